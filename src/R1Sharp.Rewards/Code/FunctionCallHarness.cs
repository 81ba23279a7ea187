using System.Text.Json;
using R1Sharp.Rewards.Sandbox;

namespace R1Sharp.Rewards.Code;

/// <summary>
/// The Python driver for function-call tests. It runs inside the sandbox next to the solution, loads it, calls
/// the function once per argument list and writes one JSON line per call on a private copy of stdout (the
/// solution's own prints go to stderr). Only the arguments enter the sandbox: the expected results stay on the
/// host, which compares them, so a program cannot read or forge the answers.
/// </summary>
public static class FunctionCallHarness
{
    /// <summary>File name of the driver in the program folder.</summary>
    public const string DriverFileName = "harness.py";

    /// <summary>The driver's source.</summary>
    public const string DriverSource = """
        import json, math, os, sys

        _results = os.fdopen(os.dup(1), "w")
        os.dup2(2, 1)  # the solution's prints go to stderr, never into the results

        def _plain(value, depth=0):
            if depth > 100:
                return repr(value)
            if value is None or isinstance(value, (bool, int, str)):
                return value
            if isinstance(value, float):
                return value if math.isfinite(value) else repr(value)
            if isinstance(value, (list, tuple)):
                return [_plain(v, depth + 1) for v in value]
            if isinstance(value, dict):
                return {str(k): _plain(v, depth + 1) for k, v in value.items()}
            if isinstance(value, (set, frozenset)):
                items = [_plain(v, depth + 1) for v in value]
                try:
                    return sorted(items)
                except TypeError:
                    return items
            return repr(value)

        def _emit(record):
            _results.write(json.dumps(record) + "\n")
            _results.flush()

        with open(sys.argv[1]) as f:
            spec = json.load(f)
        solution = {"__name__": "solution"}
        try:
            with open(sys.argv[2]) as f:
                exec(compile(f.read(), "solution.py", "exec"), solution)
        except MemoryError:
            raise
        except BaseException as e:
            _emit({"ok": False, "error": "loading the solution: %s: %s" % (type(e).__name__, e)})
            sys.exit(1)
        name = spec["fn_name"]
        function = solution.get(name)
        if function is None and isinstance(solution.get("Solution"), type):
            function = getattr(solution["Solution"](), name, None)
        if not callable(function):
            _emit({"ok": False, "error": "no function named %s" % name})
            sys.exit(1)
        for args in spec["calls"]:
            try:
                value = function(*args)
            except MemoryError:
                raise
            except Exception as e:
                _emit({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
                continue
            _emit({"ok": True, "value": _plain(value)})
        """;

    /// <summary>The JSON file holding one test's function name and argument lists (no expected values).</summary>
    public static string CallsJson(string functionName, IReadOnlyList<IReadOnlyList<JsonElement>> arguments) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["fn_name"] = functionName, ["calls"] = arguments });

    /// <summary>The argv that runs the driver on a calls file and the solution (both in the program folder).</summary>
    public static IReadOnlyList<string> Command(string callsFileName, string solutionFileName) =>
        ["/usr/bin/python3", "-I", $"{SandboxPaths.Program}/{DriverFileName}",
         $"{SandboxPaths.Program}/{callsFileName}", $"{SandboxPaths.Program}/{solutionFileName}"];
}
