#!/usr/bin/env python3
"""Checks the relative links of README.md and docs/*.md: each must name a file of the
repository, and its #anchor (if any) a heading of that file (GitHub's slug rules).

Usage: python3 scripts/check-links.py [REPOSITORY_ROOT]"""
import glob
import os
import re
import sys
root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
files = [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, 'docs', '*.md')))
def slug(h):
    h = h.strip().lower()
    h = re.sub(r'[^\w\- ]', '', h)   # keep letters (incl. unicode), digits, _, -, space
    return h.replace(' ', '-')
def anchors(path):
    out = set(); inside = False
    for line in open(path, encoding='utf-8'):
        if line.startswith('```'): inside = not inside; continue
        m = re.match(r'^(#{1,6})\s+(.*)$', line)
        if m and not inside: out.add(slug(m.group(2)))
    return out
bad = 0; count = 0
for f in files:
    text = open(f, encoding='utf-8').read()
    text = re.sub(r'```.*?```', '', text, flags=re.S)   # no links inside code blocks
    for target in re.findall(r'\]\(([^)\s]+)\)', text):
        if re.match(r'^[a-z]+:', target): continue
        count += 1
        path, _, anchor = target.partition('#')
        dest = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
        if not os.path.exists(dest):
            print(f'{os.path.relpath(f, root)}: {target}: no such file'); bad += 1; continue
        if anchor and dest.endswith('.md') and anchor not in anchors(dest):
            print(f'{os.path.relpath(f, root)}: {target}: no such heading'); bad += 1
print(f'{count} relative links checked, {bad} broken')
sys.exit(1 if bad else 0)
