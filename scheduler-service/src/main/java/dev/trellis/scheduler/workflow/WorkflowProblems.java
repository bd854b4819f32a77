package dev.trellis.scheduler.workflow;

import dev.trellis.engine.plan.InvalidWorkflowException;
import dev.trellis.protocol.UnreadableMessageException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import java.net.URI;

/**
 * Every REST error as RFC 9457 problem details: a stable {@code type} per kind of problem,
 * {@code instance} = the request path, and for invalid workflows the full list of problems.
 */
@RestControllerAdvice
class WorkflowProblems {

    private static final String TYPES = "https://trellis.dev/problems/";

    @ExceptionHandler(InvalidWorkflowException.class)
    ProblemDetail invalid(InvalidWorkflowException e, HttpServletRequest request) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "invalid-workflow", "Invalid workflow",
                e.problems().size() + " problem(s) found; nothing was accepted", request);
        problem.setProperty("errors", e.problems());
        return problem;
    }

    @ExceptionHandler(UnreadableMessageException.class)
    ProblemDetail unreadable(UnreadableMessageException e, HttpServletRequest request) {
        return problem(HttpStatus.BAD_REQUEST, "malformed-workflow", "Malformed workflow document", e.getMessage(), request);
    }

    @ExceptionHandler(SpecTooLargeException.class)
    ProblemDetail tooLarge(SpecTooLargeException e, HttpServletRequest request) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "workflow-too-large", "Workflow document too large", e.getMessage(), request);
    }

    @ExceptionHandler({WorkflowNotFoundException.class, TaskNotFoundException.class})
    ProblemDetail notFound(RuntimeException e, HttpServletRequest request) {
        return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", e.getMessage(), request);
    }

    @ExceptionHandler(WorkflowClosedException.class)
    ProblemDetail closed(WorkflowClosedException e, HttpServletRequest request) {
        return problem(HttpStatus.CONFLICT, "workflow-closed", "Workflow closed", e.getMessage(), request);
    }

    private static ProblemDetail problem(HttpStatus status, String type, String title, String detail, HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPES + type));
        problem.setTitle(title);
        problem.setInstance(URI.create(request.getRequestURI()));
        return problem;
    }
}
