package dev.trellis.checkpoint;

import dev.trellis.checkpoint.checkpoint.CheckpointNotFoundException;
import dev.trellis.checkpoint.memo.BatchTooLargeException;
import dev.trellis.checkpoint.memo.InvalidMemoRequestException;
import dev.trellis.checkpoint.memo.MemoEntryNotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.net.URI;
import java.util.List;

/**
 * Every REST error as RFC 9457 problem details: a stable {@code type} per kind of problem,
 * {@code instance} = the request path, and for invalid requests the list of field errors. The
 * framework's own 400s (unreadable JSON, a missing parameter) get the invalid-request type too.
 */
@RestControllerAdvice
class CheckpointProblems extends ResponseEntityExceptionHandler {

    private static final String TYPES = "https://trellis.dev/problems/";
    private static final URI INVALID_REQUEST = URI.create(TYPES + "invalid-request");

    @ExceptionHandler(InvalidMemoRequestException.class)
    ProblemDetail invalid(InvalidMemoRequestException e, HttpServletRequest request) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", e.getMessage(), request);
        problem.setProperty("errors", e.errors());
        return problem;
    }

    @ExceptionHandler(BatchTooLargeException.class)
    ProblemDetail tooLarge(BatchTooLargeException e, HttpServletRequest request) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "batch-too-large", "Batch too large", e.getMessage(), request);
    }

    @ExceptionHandler({CheckpointNotFoundException.class, MemoEntryNotFoundException.class})
    ProblemDetail notFound(RuntimeException e, HttpServletRequest request) {
        return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", e.getMessage(), request);
    }

    /** Input the checks above let through but Postgres refuses, e.g. a NUL character in a result. */
    @ExceptionHandler(DataIntegrityViolationException.class)
    ProblemDetail refused(DataIntegrityViolationException e, HttpServletRequest request) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                "the database refused the request; nothing was stored", request);
        problem.setProperty("errors", List.of(e.getMostSpecificCause().getMessage()));
        return problem;
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        // The body is often still null here: the framework fills it in below, so change it afterwards.
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null && response.getBody() instanceof ProblemDetail problem && statusCode.value() == HttpStatus.BAD_REQUEST.value()) {
            problem.setType(INVALID_REQUEST);
        }
        return response;
    }

    private static ProblemDetail problem(HttpStatus status, String type, String title, String detail, HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPES + type));
        problem.setTitle(title);
        problem.setInstance(URI.create(request.getRequestURI()));
        return problem;
    }
}
