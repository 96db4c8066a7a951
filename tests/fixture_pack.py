"""Builds real but meaningless argos language packs for tests and benchmarks.

A pack is what argos ships: a zip of one directory holding ``metadata.json``, a CTranslate2
``model/``, ``sentencepiece.model`` and ``README.md``. Here the model has random weights (no
torch, no download), so translations are gibberish, but every format, size and code path is
the real one. Random weights would never pick end-of-sentence and decode to the length limit,
so the output projection gets a bias on ``</s>`` that ends most outputs after a few tokens.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

LANGUAGE_NAMES = {"zh": "Chinese", "en": "English"}
PACKAGE_VERSION = "1.9"


@dataclass(frozen=True)
class _Shape:
    layers: int
    d_model: int
    heads: int
    ffn: int
    vocab: int
    eos_bias: float
    synthetic_lines: int  # extra generated corpus lines so the vocabulary can reach ``vocab``
    tied_output: bool  # output projection shares the embedding matrix


# "base" is the shape of argos's zh->en 1.9 model: transformer-base trained by Locomotive
# (6+6 layers, d_model 512, 8 heads, ffn 2048, shared 50k sentencepiece vocabulary, int8).
_SHAPES = {
    "tiny": _Shape(
        layers=2,
        d_model=64,
        heads=4,
        ffn=128,
        vocab=1000,
        eos_bias=2.6,
        synthetic_lines=0,
        tied_output=False,
    ),
    "base": _Shape(
        layers=6,
        d_model=512,
        heads=8,
        ffn=2048,
        vocab=50000,
        eos_bias=5.0,
        synthetic_lines=120000,
        tied_output=True,
    ),
}

# A small mixed corpus in the register of RedNote posts, so the vocabulary has real pieces.
CORPUS = """\
小红书是一个生活方式分享平台，大家在这里种草、拔草、避雷。
宝子们，今天给大家分享一个超级好用的平替！
这家店的咖啡绝绝子，环境也很出片，强烈推荐。
集美们，这个口红颜色真的yyds，黄皮也能用。
姐妹们避雷这家餐厅，服务态度太差了，菜也不好吃。
新人报到，我是从TikTok来的美国人，请多关照。
第一次用小红书，有没有人教教我怎么发笔记？
点赞收藏加关注，评论区见！
这是我的猫，交个猫税，它叫小橘。
求问这件外套在哪里买的？求链接！
今天的穿搭分享：白色衬衫配牛仔裤，简单又好看。
护肤心得：早上洗脸，涂防晒，晚上卸妆很重要。
北京三日游攻略，吃喝玩乐全都有。
上海房租太贵了，一个月要六千块，你们那边多少钱？
我们来对账吧：一斤鸡蛋多少钱？
健身打卡第三十天，体重减了五斤，加油！
这个食谱超简单，十分钟就能做好一顿晚饭。
家居好物推荐：收纳盒、香薰、小夜灯。
我想学中文，请大家帮帮我，谢谢！
你好，很高兴认识你，我来自美国加州。
私信我，我把链接发给你。
设置里可以关闭个性化推荐，保护隐私。
验证码已发送到你的手机，请在六十秒内输入。
同意用户协议和隐私政策后才能注册。
发布笔记之前可以添加话题和地点。
这个博主的视频太好笑了，笑死我了哈哈哈。
真的假的？我不信，除非你发图。
已经下单了，等快递到了再来更新。
性价比很高，学生党也买得起。
颜值很高，质量也不错，就是有点贵。
Hello, I am new here. I am an American from TikTok.
Please help me learn Chinese, I want to make friends.
This lipstick color is amazing, I love it so much.
Where did you buy this jacket? Please share the link.
I paid the cat tax, here is my cat.
How much is your rent? Mine is two thousand dollars a month.
Let us compare grocery prices: how much are eggs where you live?
The coffee at this shop is great and the place looks beautiful.
I tried the recipe and it was delicious, thank you for sharing.
Thanks for the warm welcome, everyone is so kind here.
Like, save and follow for more posts.
Turn off personalized recommendations in the privacy settings.
Enter the verification code sent to your phone.
I agree to the user agreement and the privacy policy.
What does this slang word mean? I cannot find it in the dictionary.
Good morning from California, the weather is sunny today.
My workout today: running, squats and a lot of stretching.
This skincare routine changed my life, my skin is much better.
Shanghai is beautiful at night, I want to visit next year.
Can someone explain how to post a note with a topic and a location?
"""


def _synthetic_lines(count: int, seed: int) -> list[str]:
    """Pseudo-words in both scripts, so a large vocabulary has enough distinct pieces."""
    rng = random.Random(seed)
    han = [chr(c) for c in range(0x4E00, 0x4E00 + 6000)]
    onsets = [
        "b",
        "c",
        "d",
        "f",
        "g",
        "h",
        "j",
        "k",
        "l",
        "m",
        "n",
        "p",
        "r",
        "s",
        "t",
        "v",
        "w",
        "y",
        "z",
        "ch",
        "sh",
        "th",
        "st",
        "tr",
        "pl",
        "br",
    ]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "oo", "ou"]
    en_words = sorted(
        {
            "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.randint(1, 3)))
            for _ in range(30000)
        }
    )
    zh_words = sorted({"".join(rng.choices(han, k=rng.randint(1, 3))) for _ in range(30000)})
    lines = []
    for i in range(count):
        n = rng.randint(4, 14)
        if i % 2:
            lines.append("".join(rng.choices(zh_words, k=n)) + "。")
        else:
            lines.append(" ".join(rng.choices(en_words, k=n)) + ".")
    return lines


def _train_sentencepiece(prefix: Path, shape: _Shape) -> list[str]:
    import sentencepiece as spm

    lines = [line for line in CORPUS.splitlines() if line.strip()]
    lines = lines * 4 + _synthetic_lines(shape.synthetic_lines, seed=shape.vocab)
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_prefix=str(prefix),
        vocab_size=shape.vocab,
        hard_vocab_limit=False,
        character_coverage=1.0,
        model_type="unigram",
        num_threads=2,
        minloglevel=2,
    )
    processor = spm.SentencePieceProcessor(model_file=str(prefix) + ".model")
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _linear(spec: object, rng: np.random.Generator, out_dim: int, in_dim: int) -> None:
    scale = np.float32(1.0 / np.sqrt(in_dim))
    spec.weight = rng.standard_normal((out_dim, in_dim), dtype=np.float32) * scale  # type: ignore[attr-defined]
    spec.bias = np.zeros(out_dim, dtype=np.float32)  # type: ignore[attr-defined]


def _norm(spec: object, d: int) -> None:
    spec.gamma = np.ones(d, dtype=np.float32)  # type: ignore[attr-defined]
    spec.beta = np.zeros(d, dtype=np.float32)  # type: ignore[attr-defined]


def _attention(spec: object, rng: np.random.Generator, d: int, self_attention: bool) -> None:
    _norm(spec.layer_norm, d)  # type: ignore[attr-defined]
    linears = spec.linear  # type: ignore[attr-defined]
    if self_attention:
        _linear(linears[0], rng, 3 * d, d)  # fused query/key/value
        _linear(linears[1], rng, d, d)
    else:
        _linear(linears[0], rng, d, d)  # query
        _linear(linears[1], rng, 2 * d, d)  # fused key/value over the encoder output
        _linear(linears[2], rng, d, d)


def _ffn(spec: object, rng: np.random.Generator, d: int, ffn: int) -> None:
    _norm(spec.layer_norm, d)  # type: ignore[attr-defined]
    _linear(spec.linear_0, rng, ffn, d)  # type: ignore[attr-defined]
    _linear(spec.linear_1, rng, d, ffn)  # type: ignore[attr-defined]


def _build_model(model_dir: Path, vocabulary: list[str], shape: _Shape, seed: int) -> None:
    from ctranslate2.specs import TransformerSpec

    rng = np.random.default_rng(seed)
    d = shape.d_model
    spec = TransformerSpec.from_config((shape.layers, shape.layers), shape.heads)
    # One embedding matrix for source, target and output, as Locomotive's shared vocabulary.
    embeddings = rng.standard_normal((len(vocabulary), d), dtype=np.float32) * np.float32(
        1.0 / np.sqrt(d)
    )
    spec.encoder.embeddings[0].weight = embeddings
    spec.decoder.embeddings.weight = embeddings
    # Tied like Locomotive's models for "base"; the tiny model gets its own projection, since
    # tied random weights tend to repeat the token just read and the length gets erratic.
    spec.decoder.projection.weight = (
        embeddings
        if shape.tied_output
        else rng.standard_normal(embeddings.shape, dtype=np.float32) * np.float32(1 / np.sqrt(d))
    )
    # End-of-sentence scores a constant (its row is zero, its bias fixed), so the length of
    # the output depends on the bias, not on which random direction </s> happened to get.
    eos = vocabulary.index("</s>")
    embeddings[eos] = 0.0
    spec.decoder.projection.weight[eos] = 0.0
    bias = np.zeros(len(vocabulary), dtype=np.float32)
    bias[eos] = shape.eos_bias
    for token in ("<s>", "<unk>"):  # a trained model never emits these
        bias[vocabulary.index(token)] = -1000.0
    spec.decoder.projection.bias = bias
    _norm(spec.encoder.layer_norm, d)
    _norm(spec.decoder.layer_norm, d)
    for layer in spec.encoder.layer:
        _attention(layer.self_attention, rng, d, self_attention=True)
        _ffn(layer.ffn, rng, d, shape.ffn)
    for layer in spec.decoder.layer:
        _attention(layer.self_attention, rng, d, self_attention=True)
        _attention(layer.attention, rng, d, self_attention=False)
        _ffn(layer.ffn, rng, d, shape.ffn)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization="int8")  # stored int8, as argos ships its models
    model_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(model_dir))


def pack_name(from_code: str, to_code: str) -> str:
    """The directory name argos uses inside the archive: ``translate-zh_en-1_9``."""
    return f"translate-{from_code}_{to_code}-{PACKAGE_VERSION.replace('.', '_')}"


def build_pack(dest_dir: Path, from_code: str, to_code: str, *, size: str = "tiny") -> Path:
    """Build (or reuse) ``<dest_dir>/translate-<from>_<to>-1_9-<size>.argosmodel``."""
    if size not in _SHAPES:
        raise ValueError(f"size must be one of {sorted(_SHAPES)}")
    shape = _SHAPES[size]
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    name = pack_name(from_code, to_code)
    archive = dest_dir / f"{name}-{size}.argosmodel"
    if archive.is_file():
        return archive
    seed = zlib.crc32(f"{from_code}>{to_code}:{size}".encode())
    with tempfile.TemporaryDirectory(dir=dest_dir, prefix=".build-") as work_name:
        work = Path(work_name)
        root = work / name
        root.mkdir()
        vocabulary = _train_sentencepiece(root / "sentencepiece", shape)
        (root / "sentencepiece.vocab").unlink(missing_ok=True)
        _build_model(root / "model", vocabulary, shape, seed)
        metadata = {
            "package_version": PACKAGE_VERSION,
            "argos_version": "1.9.0",
            "from_code": from_code,
            "from_name": LANGUAGE_NAMES.get(from_code, from_code),
            "to_code": to_code,
            "to_name": LANGUAGE_NAMES.get(to_code, to_code),
        }
        (root / "metadata.json").write_text(json.dumps(metadata, indent=4), encoding="utf-8")
        (root / "README.md").write_text(
            f"# {metadata['from_name']} - {metadata['to_name']} version {PACKAGE_VERSION}\n\n"
            "Test fixture: random weights, meaningless output.\n",
            encoding="utf-8",
        )
        partial = work / "pack.zip"
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(root, f"{name}/")
            for path in sorted(root.rglob("*")):
                zf.write(path, path.relative_to(work).as_posix())
        os.replace(partial, archive)
    return archive


@dataclass
class Route:
    body: bytes
    status: int = 200
    content_type: str = "application/octet-stream"
    content_length: int | None = None  # to announce a different length than the body's
    headers: dict[str, str] = field(default_factory=dict)  # e.g. Location, Content-Encoding
    send_length: bool = True  # False: no Content-Length, the body ends when the server closes
    drip: float | None = None  # seconds between single bytes: a server that hardly sends


class LocalServer:
    """A tiny HTTP server on 127.0.0.1 for download tests: ``routes`` maps paths to replies."""

    def __init__(self) -> None:
        import http.server
        import threading

        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        self.stopping = threading.Event()  # ends dripping replies when the server stops
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                route = server.routes.get(self.path)
                if route is None:
                    route = Route(b"<html>Not found</html>", 404, "text/html")
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                length = route.content_length
                if route.send_length:
                    self.send_header(
                        "Content-Length", str(len(route.body) if length is None else length)
                    )
                else:
                    self.close_connection = True
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    if route.drip is None:
                        self.wfile.write(route.body)
                        return
                    for index in range(len(route.body)):
                        self.wfile.write(route.body[index : index + 1])
                        self.wfile.flush()
                        if server.stopping.wait(route.drip):  # the drip is the scenario
                            return

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = str(self._httpd.server_address[0]), self._httpd.server_address[1]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def index_entry(archive: Path, from_code: str, to_code: str, link: str, **extra: object) -> dict:
    """An argos ``index.json`` entry for ``archive`` (as argospm-index writes them)."""
    entry: dict[str, object] = {
        "package_version": PACKAGE_VERSION,
        "argos_version": "1.9.0",
        "from_code": from_code,
        "from_name": LANGUAGE_NAMES.get(from_code, from_code),
        "to_code": to_code,
        "to_name": LANGUAGE_NAMES.get(to_code, to_code),
        "links": [link],
        "code": f"translate-{from_code}_{to_code}",
    }
    entry.update(extra)
    return entry


def _main() -> None:  # pragma: no cover - manual use: python -m tests.fixture_pack DIR
    import sys

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    size = sys.argv[2] if len(sys.argv) > 2 else "tiny"
    for pair in (("zh", "en"), ("en", "zh")):
        print(build_pack(target, *pair, size=size))


if __name__ == "__main__":
    _main()


def entries(folder: Path) -> list[str]:
    """The names in ``folder`` (hidden ones too) except the lock file installs share."""
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.name != ".companion-lock")
