package dev.trellis.checkpoint.memo;

import dev.trellis.protocol.memo.MemoLookupRequest;
import dev.trellis.protocol.memo.MemoLookupResponse;
import dev.trellis.protocol.memo.MemoRecord;
import dev.trellis.protocol.memo.MemoStoreRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.List;

/** REST API of the memo store: batch lookup and store, list by app, invalidate by key or app. */
@RestController
@RequestMapping("/api/memo")
class MemoController {

    private final MemoService memo;

    MemoController(MemoService memo) {
        this.memo = memo;
    }

    @PostMapping("/lookup")
    MemoLookupResponse lookup(@RequestBody MemoLookupRequest request) {
        return new MemoLookupResponse(memo.lookup(request.keys() == null ? List.of() : request.keys()));
    }

    @PostMapping("/entries")
    ResponseEntity<Void> store(@RequestBody MemoStoreRequest request) {
        memo.store(request.entries() == null ? List.of() : request.entries());
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/entries")
    List<MemoRecord> list(@RequestParam String app) {
        return memo.listByApp(app);
    }

    @DeleteMapping("/entries/{key}")
    ResponseEntity<Void> invalidate(@PathVariable String key) {
        return memo.invalidate(key) ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
    }

    @DeleteMapping("/entries")
    InvalidatedCount invalidateApp(@RequestParam String app) {
        return new InvalidatedCount(memo.invalidateApp(app));
    }

    record InvalidatedCount(int invalidated) {
    }

    @ExceptionHandler(BatchTooLargeException.class)
    ProblemDetail batchTooLarge(BatchTooLargeException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, e.getMessage());
        problem.setType(URI.create("https://trellis.dev/problems/batch-too-large"));
        problem.setTitle("Batch too large");
        return problem;
    }
}
