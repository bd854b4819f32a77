package dev.trellis.scheduler.elasticity;

import dev.trellis.protocol.api.DesiredBlocksView;
import dev.trellis.protocol.api.SiteView;
import dev.trellis.scheduler.SchedulerProperties;
import dev.trellis.scheduler.site.BlockRegistry;
import dev.trellis.scheduler.site.SiteLoad;
import dev.trellis.scheduler.workflow.SiteNotFoundException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Sites, their blocks, and what an external scaler reads. */
@RestController
@RequestMapping("/api/sites")
class SiteController {

    private final SchedulerProperties properties;
    private final BlockRegistry blocks;
    private final SiteLoad load;
    private final SiteScaling scaling;

    SiteController(SchedulerProperties properties, BlockRegistry blocks, SiteLoad load, SiteScaling scaling) {
        this.properties = properties;
        this.blocks = blocks;
        this.load = load;
        this.scaling = scaling;
    }

    @GetMapping
    List<SiteView> sites() {
        return properties.sites().stream().map(this::view).toList();
    }

    @GetMapping("/{site}")
    SiteView site(@PathVariable String site) {
        return view(configured(site));
    }

    /** For KEDA's metrics-api scaler or an HPA: the blocks the elastic site should have. */
    @GetMapping("/{site}/desired-blocks")
    DesiredBlocksView desiredBlocks(@PathVariable String site) {
        configured(site);
        return new DesiredBlocksView(site, scaling.desiredBlocks(site)
                .orElseThrow(() -> new SiteNotFoundException(site, "it is not elastic (no block settings)")));
    }

    private SchedulerProperties.Site configured(String site) {
        return properties.sites().stream().filter(s -> s.name().equals(site)).findFirst()
                .orElseThrow(() -> new SiteNotFoundException(site, "no such site; sites: " + properties.siteNames()));
    }

    private SiteView view(SchedulerProperties.Site site) {
        Map<String, BlockRegistry.Block> heard = blocks.all().stream().filter(b -> b.site().equals(site.name()))
                .collect(Collectors.toMap(BlockRegistry.Block::blockId, b -> b));
        List<SiteView.BlockView> siteBlocks = scaling.blocks(site.name())
                .map(tracked -> tracked.stream().map(b -> elasticView(b, heard.get(b.id()))).toList())
                .orElseGet(() -> heard.values().stream().map(SiteController::heardView).toList())
                .stream().sorted(Comparator.comparing(SiteView.BlockView::id)).toList();
        return new SiteView(site.name(), site.executor(), site.slotsPerBlock(),
                site.blocks() == null ? "static" : site.blocks().provider(), scaling.desiredBlocks(site.name()).orElse(null),
                load.queued(site.name()), load.running(site.name()), blocks.liveSlots(site.name()),
                blocks.busySlots(site.name()), siteBlocks);
    }

    private static SiteView.BlockView elasticView(TrackedBlock block, BlockRegistry.Block heard) {
        return new SiteView.BlockView(block.id(), block.state().name(), block.host(), block.pid(), block.block().slots(),
                block.block().busySlots(), block.requestedAt() == null ? null : block.requestedAt().toEpochMilli(),
                heard == null ? null : heard.lastSeen().toEpochMilli());
    }

    private static SiteView.BlockView heardView(BlockRegistry.Block block) {
        return new SiteView.BlockView(block.blockId(), block.lost() ? "GONE" : "RUNNING", block.host(), block.pid(),
                block.slots(), block.busySlots(), null, block.lastSeen().toEpochMilli());
    }
}
