package dev.trellis.checkpoint.checkpoint;

import dev.trellis.protocol.memo.CheckpointView;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** REST API of checkpoints: list a workflow name's checkpoints, newest first, or show one. */
@RestController
@RequestMapping("/api/checkpoints")
class CheckpointController {

    private final Checkpoints checkpoints;

    CheckpointController(Checkpoints checkpoints) {
        this.checkpoints = checkpoints;
    }

    @GetMapping
    List<CheckpointView> list(@RequestParam String workflowName) {
        return checkpoints.list(workflowName);
    }

    @GetMapping("/{id}")
    CheckpointView get(@PathVariable String id) {
        return checkpoints.get(id);
    }
}
