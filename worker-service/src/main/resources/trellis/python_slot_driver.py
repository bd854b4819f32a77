"""Runs Trellis python apps for one worker slot, in one long-lived interpreter.

Protocol: one JSON request per line on stdin, one JSON reply per line on stdout.
  request: {"source", "function", "args", "inputs", "outputs", "cwd", "stdout", "stderr"}
  reply:   {"ok": true, "value": <json>, "pid": n}
       or  {"ok": false, "error": "ExcType: msg", "traceback": "...", "pid": n}

The protocol runs over private copies of the original stdin and stdout. File descriptors 0, 1
and 2 themselves point at /dev/null (2: the worker's stderr) between calls and at the task's
stdout/stderr files during a call, so nothing an app prints - nor any process it starts - can
reach the protocol channel or read a request meant for the driver.
"""

import contextlib
import hashlib
import inspect
import json
import linecache
import os
import sys
import traceback

MAX_CACHED_SOURCES = 256

_requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
_replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
_devnull = os.open(os.devnull, os.O_RDWR)
_worker_stderr = os.dup(2)
os.dup2(_devnull, 0)
os.dup2(_devnull, 1)
_idle_dir = os.getcwd()
_compiled = {}


def compiled(source):
    """Compiles each distinct source once; the code object is exec'd afresh for every call."""
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    code = _compiled.get(digest)
    if code is None:
        if len(_compiled) >= MAX_CACHED_SOURCES:
            _compiled.clear()
        filename = "<app source %s>" % digest[:12]
        # lets tracebacks show the app's own lines
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        code = compile(source, filename, "exec")
        _compiled[digest] = code
    return code


def keyword_arguments(function, request):
    """The args, plus inputs and outputs if the function takes them (as Parsl does)."""
    kwargs = dict(request.get("args") or {})
    parameters = inspect.signature(function).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    for name in ("inputs", "outputs"):
        if name in parameters or takes_any:
            kwargs[name] = request.get(name) or []
    return kwargs


@contextlib.contextmanager
def task_context(request):
    """Working directory and stdout/stderr of one call, undone afterwards."""
    saved_streams = sys.stdout, sys.stderr
    with open(request["stdout"], "wb") as out:
        err = out if request["stderr"] == request["stdout"] else open(request["stderr"], "wb")
        try:
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            os.chdir(request["cwd"])
            yield
        finally:
            sys.stdout, sys.stderr = saved_streams
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(_devnull, 1)
            os.dup2(_worker_stderr, 2)
            os.chdir(_idle_dir)
            if err is not out:
                err.close()


def json_compatible(value):
    """The value itself if JSON can carry it, else its repr() with a note on the task's stderr."""
    try:
        json.dumps(value, allow_nan=False)
        return value
    except (TypeError, ValueError, RecursionError):
        print("trellis: the return value (%s) is not JSON-serializable; returning its repr()"
              % type(value).__name__, file=sys.stderr)
        return repr(value)


def without_driver_frames(tb):
    """Starts the traceback at the app's code, unless the error is in the driver itself."""
    first = tb
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    return tb if tb is not None else first


def call(request):
    with task_context(request):
        try:
            namespace = {"__name__": "__trellis_app__"}
            exec(compiled(request["source"]), namespace)
            name = request["function"]
            function = namespace.get(name)
            if not callable(function):
                defined = sorted(k for k, v in namespace.items() if callable(v) and not k.startswith("__"))
                raise LookupError("the app's source defines no function '%s' (it defines %s)" % (name, defined))
            value = function(**keyword_arguments(function, request))
            return {"ok": True, "value": json_compatible(value)}
        except BaseException as e:  # SystemExit from an app is the app's failure, not the driver's exit
            lines = traceback.format_exception(type(e), e, without_driver_frames(e.__traceback__))
            trace = "".join(lines)
            sys.stderr.write(trace)
            return {"ok": False, "error": "".join(traceback.format_exception_only(type(e), e)).strip(),
                    "traceback": trace}


def main():
    for line in _requests:
        try:
            reply = call(json.loads(line))
        except Exception as e:  # a malformed request must not end the slot
            reply = {"ok": False, "error": "DriverError: %s: %s" % (type(e).__name__, e),
                     "traceback": traceback.format_exc()}
        reply["pid"] = os.getpid()
        _replies.write(json.dumps(reply) + "\n")
        _replies.flush()


if __name__ == "__main__":
    main()
