package dev.trellis.checkpoint.memo;

import dev.trellis.protocol.memo.MemoLookupRequest;
import dev.trellis.protocol.memo.MemoRecord;
import dev.trellis.protocol.memo.MemoStoreRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** REST API of the memo store: scoped batch lookup, batch store, list by app, invalidate by key, app or workflow. */
@RestController
@RequestMapping("/api/memo")
class MemoController {

    private final MemoService memo;

    MemoController(MemoService memo) {
        this.memo = memo;
    }

    @PostMapping("/lookup")
    FoundEntry.Answer lookup(@RequestBody MemoLookupRequest request) {
        return new FoundEntry.Answer(memo.lookup(request));
    }

    @PostMapping("/entries")
    ResponseEntity<Void> store(@RequestBody MemoStoreRequest request) {
        memo.storeEntries(request.entries() == null ? List.of() : request.entries());
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/entries")
    List<MemoRecord> list(@RequestParam String app) {
        return memo.listByApp(app);
    }

    @DeleteMapping("/entries/{key}")
    ResponseEntity<Void> invalidate(@PathVariable String key) {
        memo.invalidate(key);
        return ResponseEntity.noContent().build();
    }

    /** Every entry of one app, or every entry stored by runs of one workflow name: exactly one of the two. */
    @DeleteMapping("/entries")
    InvalidatedCount invalidateAll(@RequestParam(required = false) String app, @RequestParam(required = false) String workflow) {
        boolean byApp = app != null && !app.isBlank();
        boolean byWorkflow = workflow != null && !workflow.isBlank();
        if (byApp == byWorkflow) {
            FieldErrors errors = new FieldErrors();
            errors.add("app, workflow", "give exactly one of the query parameters app and workflow");
            errors.throwIfAny("nothing to invalidate");
        }
        return new InvalidatedCount(byApp ? memo.invalidateApp(app) : memo.invalidateWorkflow(workflow));
    }

    record InvalidatedCount(int invalidated) {
    }
}
