#!/usr/bin/env python3
"""Renders every real chat template in shared/data/hf with Python's jinja2, configured as transformers does
(ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loopcontrols, transformers' tojson, raise_exception,
strftime_now), and writes chat_template_expected.json. Run once: python3 make_expected.py ../../../../../shared/data/hf
The C# tests render the same cases and must produce the same strings."""
import json, os, sys
from datetime import datetime
import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

NOW = datetime(2025, 3, 14, 15, 9, 26)

def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)

def strftime_now(fmt):
    return NOW.strftime(fmt)

env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
env.globals["strftime_now"] = strftime_now

TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Weather in a city, in °C.",
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
                         "required": ["city"]}}}]

CASES = {
    "single_user": ([{"role": "user", "content": "What is 2+2?"}], None),
    "system_multi_turn": ([
        {"role": "system", "content": "  You are a careful math tutor.\n"},
        {"role": "user", "content": "Solve x^2 = 4.\n\nShow steps."},
        {"role": "assistant", "content": "<think>\nx = ±2\n</think>\n\nThe solutions are $x = 2$ and $x = -2$."},
        {"role": "user", "content": "  And 中文 / emoji 😀?  "},
    ], None),
    "thinking_history": ([
        {"role": "user", "content": "Compute 17*23."},
        {"role": "assistant", "content": "<think>17*23 = 391</think>The answer is \\boxed{391}."},
        {"role": "user", "content": "Thanks"},
    ], None),
    "tool_calls": ([
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": None, "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris", "days": 2}}}]},
        {"role": "tool", "content": "{\"temp\": 21}"},
        {"role": "tool", "content": "{\"temp\": 19}"},
        {"role": "assistant", "content": "It is 21 °C then 19 °C."},
    ], TOOLS),
    "tools_declared": ([{"role": "system", "content": "Use tools."}, {"role": "user", "content": "Paris weather"}], TOOLS),
}

def special_tokens(cfg):
    out = {}
    for key in ("bos_token", "eos_token", "unk_token", "pad_token"):
        v = cfg.get(key)
        if isinstance(v, dict):
            v = v.get("content")
        if v is not None:
            out[key] = v
    if cfg.get("additional_special_tokens"):
        out["additional_special_tokens"] = cfg["additional_special_tokens"]
    return out

def main(hf):
    results = []
    for model in sorted(os.listdir(hf)):
        d = os.path.join(hf, model)
        if not os.path.isdir(d):
            continue
        cfg = json.load(open(os.path.join(d, "tokenizer_config.json"), encoding="utf-8"))
        jinja_path = os.path.join(d, "chat_template.jinja")
        source = open(jinja_path, encoding="utf-8").read() if os.path.exists(jinja_path) else cfg.get("chat_template")
        if source is None:
            continue
        template = env.from_string(source)
        for case, (messages, tools) in CASES.items():
            for agp in (False, True):
                entry = {"model": model, "case": case, "add_generation_prompt": agp}
                try:
                    # As transformers' render_jinja_template: tools/documents default to None.
                    entry["expected"] = template.render(messages=messages, tools=tools, documents=None,
                                                        add_generation_prompt=agp, **special_tokens(cfg))
                except Exception as e:  # the C# side must fail too
                    entry["error"] = f"{type(e).__name__}: {e}"
                results.append(entry)
    out = {"now": NOW.isoformat(), "jinja2_version": jinja2.__version__, "cases": {k: {"messages": m, "tools": t} for k, (m, t) in CASES.items()}, "renders": results}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "chat_template_expected.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
    print(len(results), "renders,", sum("error" in r for r in results), "errors")

if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/hf")
