package dev.trellis.scheduler.workflow;

import dev.trellis.engine.plan.InvalidWorkflowException;
import dev.trellis.protocol.UnreadableMessageException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.net.URI;

/**
 * Every REST error as RFC 9457 problem details: a stable {@code type} per kind of problem,
 * {@code instance} = the request path, and for invalid workflows the full list of problems. Spring
 * MVC's own errors (unsupported media type, unreadable body, unknown path...) come as problem
 * details too, from {@link ResponseEntityExceptionHandler}.
 */
@RestControllerAdvice
class WorkflowProblems extends ResponseEntityExceptionHandler {

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

    @ExceptionHandler({WorkflowNotFoundException.class, TaskNotFoundException.class, SiteNotFoundException.class})
    ProblemDetail notFound(RuntimeException e, HttpServletRequest request) {
        return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", e.getMessage(), request);
    }

    /** A path id that is no UUID names no workflow, so it is not found; a malformed query parameter is a bad request. */
    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail mismatched(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        if (e.getParameter().hasParameterAnnotation(PathVariable.class)) {
            return problem(HttpStatus.NOT_FOUND, "not-found", "Not found",
                    "no workflow has " + e.getName() + " '" + e.getValue() + "'", request);
        }
        String expected = e.getRequiredType() == null ? "another type" : "a " + e.getRequiredType().getSimpleName().toLowerCase();
        return invalidParameter(new InvalidParameterException(e.getName(), e.getValue(), expected), request);
    }

    @ExceptionHandler(InvalidParameterException.class)
    ProblemDetail invalidParameter(InvalidParameterException e, HttpServletRequest request) {
        return problem(HttpStatus.BAD_REQUEST, "invalid-parameter", "Invalid parameter", e.getMessage(), request);
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
