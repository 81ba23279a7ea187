#!/usr/bin/env python3
"""Renders small templates exercising each Jinja construct the interpreter supports with Python's jinja2 (transformers'
settings, see make_expected.py) and writes jinja_features_expected.json. Run once: python3 make_feature_expected.py"""
import json, os
from make_expected import env

VARS = {"items": [3, 1, 2], "name": "  Ada  ", "d": {"b": 2, "a": 1}, "msgs": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}],
        "text": "a</think>b</think>c", "n": 7, "f": 2.5, "none": None, "flag": True, "uni": "é😀中"}
TEMPLATES = [
    "{% for x in items %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.first }}/{{ loop.last }}/{{ loop.length }} {% endfor %}",
    "{% for x in items if x > 1 %}{{ x }}{% else %}none{% endfor %}|{% for x in [] %}{{ x }}{% else %}empty{% endfor %}",
    "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{% for k in d %}{{ k }}{% endfor %}",
    "{% set ns = namespace(total=0) %}{% for x in items %}{% set ns.total = ns.total + x %}{% endfor %}{{ ns.total }}",
    "{% set y = 1 %}{% for x in items %}{% set y = x %}{% endfor %}{{ y }}",
    "{% set block %}\n  inner {{ n }}\n{% endset %}[{{ block }}]",
    "{% if n > 10 %}big{% elif n > 5 %}mid{% else %}small{% endif %}",
    "{{ name|trim }}|{{ name|upper }}|{{ name|lower|trim|length }}|{{ undefined_var|default('dflt') }}|{{ ''|default('x', true) }}",
    "{{ items|join(', ') }}|{{ items|list|first }}|{{ items|last }}|{{ items|sort|join }}|{{ items|reverse|join }}|{{ items|length }}",
    "{{ msgs|selectattr('role', 'equalto', 'user')|map(attribute='content')|join }}|{{ msgs|rejectattr('role', 'eq', 'user')|list|length }}",
    "{{ d|tojson }}|{{ msgs|tojson(indent=2) }}|{{ uni|tojson }}|{{ none|tojson }}|{{ f|tojson }}|{{ 'q\"\\\\'|tojson }}",
    "{{ text.split('</think>')[-1] }}|{{ text.rsplit('</think>', 1)[0] }}|{{ name.strip() }}|{{ name.lstrip() }}.|{{ name.rstrip() }}.|{{ text.startswith('a') }}|{{ text.endswith('x') }}",
    "{{ text.replace('</think>', '#') }}|{{ text.find('b') }}|{{ 'AbC'.upper() }}{{ 'AbC'.lower() }}|{{ 'hello world'.title() }}",
    "{{ items[::-1] }}|{{ items[1:] }}|{{ items[:1] }}|{{ uni[::-1] }}|{{ 'abcdef'[1:5:2] }}|{{ items[-1] }}",
    "{{ 'a' ~ n ~ none }}|{{ n + 1 }}|{{ n - 2.5 }}|{{ n * 2 }}|{{ n / 2 }}|{{ n // 2 }}|{{ n % 3 }}|{{ 2 ** 10 }}|{{ -n }}",
    "{{ n is defined }}|{{ nope is defined }}|{{ none is none }}|{{ name is string }}|{{ d is mapping }}|{{ items is iterable }}|{{ n is number }}|{{ nope is not defined }}",
    "{{ 1 in items }}|{{ 5 not in items }}|{{ 'Ad' in name }}|{{ 'a' in d }}|{{ not flag }}|{{ flag and n }}|{{ none or 'fallback' }}|{{ n == 7.0 }}|{{ n != 7 }}",
    "{{ [1, 'a', none, true, 2.0] }}|{{ {'k': [1, 2], 'j': 'v'} }}|{{ (1, 2)|list }}|{{ d['a'] }}|{{ d.b }}|{{ msgs[0].role }}",
    "{{ 'yes' if flag else 'no' }}|{{ 'yes' if not flag else 'no' }}|{{ 'x' if none }}|",
    "{%- for x in items -%}\n  {{ x }}\n{%- endfor %}\n  {% if flag %}\n    kept\n  {% endif %}\nend",
    "a  {%- if true %} b {% endif -%}  c\n    {# comment #}\n  d {{- ' e ' -}} f",
    "{% macro greet(who, punct='!') %}Hi {{ who }}{{ punct }}{% endmacro %}{{ greet('Bo') }} {{ greet('Al', punct='?') }}",
    "{% for x in range(5) %}{% if x == 1 %}{% continue %}{% endif %}{% if x == 3 %}{% break %}{% endif %}{{ x }}{% endfor %}",
    "{{ range(2, 8, 2)|list }}|{{ '%d'|length }}|{{ '1.9'|float }}|{{ '42'|int + 1 }}|{{ 3.7|int }}|{{ 2.5|round }}|{{ 1.0 }}|{{ 1e-7 }}|{{ 12345678901234567.0 }}",
    "{{ msgs|map(attribute='role')|list }}|{{ items|map('string')|join('-') }}|{{ d|items|list }}|{{ d.get('z', 'none') }}|{{ d.keys()|list }}",
    "{{ \"double 'quoted'\" }}|{{ 'tab\\there' }}|{{ 'uni\\u00e9' }}|{{ '\\\\boxed{}' }}",
    "{% set a, b = 1, 2 %}{{ a }}{{ b }}|{% for m in msgs %}{{ loop.cycle('odd', 'even') }}{% if not loop.last %},{% endif %}{% endfor %}",
    "  {% if true %}\n  indented\n  {% endif %}\n{{ 'x' }}  \n",
    "{{ 'multi\nline'|indent(2) }}|{{ 'a b  c'|wordcount }}|{{ [3, 1, 2]|max }}{{ [3, 1, 2]|min }}|{{ [1, 2, 2, 3]|unique|list }}|{{ items|sum }}",
]

def main():
    renders = [{"template": t, "expected": env.from_string(t).render(**VARS)} for t in TEMPLATES]
    out = {"variables": VARS, "renders": renders}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "jinja_features_expected.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
    print(len(renders), "renders")

if __name__ == "__main__":
    main()
