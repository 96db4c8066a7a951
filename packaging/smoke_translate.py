"""Translate RedNote-style posts with the installed packs and print a table (CI artifact).

Usage: python packaging/smoke_translate.py [COMPANION_CLI...]   (default: python -m companion)
Fails when a post comes back empty or the command errors; says nothing about quality (that is
bench/glossary.py's job): it proves the real models load and run through the app's path.
"""

from __future__ import annotations

import json
import subprocess
import sys

POSTS = [
    ("zh", "姐妹们！这家店的咖啡绝绝子，环境也很出片，强烈推荐～"),
    ("zh", "避雷！这个面膜用了三天就过敏了，大家千万别买。"),
    ("zh", "新人报到，我是从TikTok来的美国人，请多关照！有没有人教教我怎么发笔记？"),
    ("zh", "今天的穿搭分享：白色衬衫配牛仔裤，简单又好看 #日常穿搭"),
    ("en", "Thanks for the recommendation! Where did you buy this jacket?"),
    ("en", "I'm new here, my Chinese is not very good, sorry!"),
]


def main(argv: list[str]) -> int:
    command = argv or [sys.executable, "-m", "companion"]
    failures = 0
    print(f"{'from':<5} {'post':<42} translation")
    for source, text in POSTS:
        target = "en" if source == "zh" else "zh"
        done = subprocess.run(
            [*command, "translate", "--from", source, "--to", target, "--json", text],
            capture_output=True, text=True, timeout=300, check=False,
        )
        result = json.loads(done.stdout).get("text", "") if done.returncode == 0 else ""
        if not result.strip():
            failures += 1
            result = f"FAILED: {done.stderr.strip()[:120]}"
        print(f"{source:<5} {text[:40]:<42} {result}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
