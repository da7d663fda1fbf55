"""``kouka serve`` and ``kouka demo``: the web application on this machine.

Both keep their data in a folder (an SQLite database and the secret key) and apply migrations on start.
``DATABASE_URL=postgresql://…`` makes ``kouka serve`` use PostgreSQL instead.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from kouka.cli import app
from kouka.cli.common import console, fail

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "isesaki-2022.json"

DataOption = Annotated[Path, typer.Option("--data", help="データフォルダ / data folder")]
HostOption = Annotated[str, typer.Option("--host", help="待ち受けるアドレス / address to listen on")]
PortOption = Annotated[int, typer.Option("--port", help="ポート / port")]


def prepare_data(data: Path, host: str) -> None:
    """Create the data folder and its secret key, configure Django and apply migrations."""
    try:
        data.mkdir(parents=True, exist_ok=True)
        (data / "static").mkdir(exist_ok=True)
        key_file = data / "secret.key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
            key_file.chmod(0o600)
        key = key_file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        fail(f"データフォルダを用意できません / cannot prepare the data folder {data}: {exc.strerror}")
    os.environ["KOUKA_DATA_DIR"] = str(data.resolve())
    os.environ.setdefault("DJANGO_SECRET_KEY", key)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kouka.web.settings")
    hosts = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
    if host not in hosts.split(",") and host not in ("0.0.0.0", "::"):
        hosts += f",{host}"
    os.environ["DJANGO_ALLOWED_HOSTS"] = hosts
    import django
    from django.core.management import call_command
    from django.db import DatabaseError

    django.setup()
    try:
        call_command("migrate", interactive=False, verbosity=0)
    except DatabaseError as exc:
        fail(f"データベースを準備できません / cannot prepare the database: {exc}")


def start_worker(data: Path) -> subprocess.Popen[bytes] | None:
    """``kouka worker`` in a process of its own beside the site (none when uploads are read in the request)."""
    from django.conf import settings

    if settings.KOUKA_QUEUE_URL == "immediate":
        return None
    return subprocess.Popen([sys.executable, "-m", "kouka", "worker", "--data", str(data)])


def _run(host: str, port: int, data: Path) -> None:
    from django.core.management import call_command

    worker = start_worker(data)
    console.print(f"http://{host}:{port}/ で公開中（Ctrl+C で終了） / serving on http://{host}:{port}/", soft_wrap=True)
    try:
        call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)


@app.command()
def worker(data: DataOption = Path("data"),
           workers: Annotated[int, typer.Option("--workers", help="同時に読むファイルの数 / files read at once")] = 1
           ) -> None:
    """アップロードされたファイルを読むワーカーを起動します（kouka serve は自動で起動）/ the upload worker."""
    prepare_data(data, "127.0.0.1")
    from django.conf import settings

    from kouka.web import queue

    if settings.KOUKA_QUEUE_URL == "immediate":
        fail("KOUKA_QUEUE_URL=immediate ではワーカーは不要です（要求の中で読みます） / no worker in immediate mode")
    where = settings.KOUKA_QUEUE_URL or str(Path(settings.DATA_DIR) / "queue.sqlite3")
    console.print(f"アップロードの読み込みを待っています（{where}、Ctrl+C で終了） / worker waiting on {where}",
                  highlight=False, soft_wrap=True)
    queue.consumer(workers=max(1, workers)).run()


@app.command()
def serve(data: DataOption = Path("data"), host: HostOption = "127.0.0.1", port: PortOption = 8000) -> None:
    """Webアプリを起動します（SQLite、DATABASE_URL で PostgreSQL） / run the web application."""
    prepare_data(data, host)
    _run(host, port, data)


@app.command()
def demo(data: DataOption = Path("data/demo"), host: HostOption = "127.0.0.1", port: PortOption = 8000,
         serve_: Annotated[bool, typer.Option("--serve/--no-serve", help="読み込み後に起動 / serve after loading")]
         = True,
         reset: Annotated[bool, typer.Option("--reset", help="既存のデモデータを消して読み込み直す / start again")]
         = False) -> None:
    """伊勢崎市 令和4年度の例を読み込み、役割ごとのデモ利用者を作って起動します（既存のデモは残します）."""
    if not EXAMPLE.exists():
        fail(f"デモの例 {EXAMPLE} がありません（リポジトリから実行してください） / the example is missing")
    os.environ.pop("DATABASE_URL", None)  # the demo always lives in its own SQLite file
    database = data / "kouka.sqlite3"
    if reset and database.exists():
        database.unlink()
    prepare_data(data, host)
    from kouka.web.ops.demo import DEMO_PASSWORD, DEMO_USERS, demo_present, demo_year_in_progress, load_demo

    if demo_present():
        console.print(f"既存のデモデータを使います（{database}、これまでの変更を残しています）。"
                      "初めの状態に戻すには --reset を付けて実行してください")
        users = list(DEMO_USERS)
    else:
        municipality, users = load_demo(EXAMPLE)
        demo_year_in_progress(municipality)
        console.print(("デモデータを消して読み込み直しました" if reset else "デモデータを読み込みました")
                      + f": {municipality.name}（令和4年度を公表済み、令和5年度は商工労働課が提出済み・"
                      "企業誘致課は差し戻し中）")
    console.print("デモ利用者 / demo logins（パスワード / password: " + DEMO_PASSWORD + "）:")
    for user in users:
        console.print(f"  {user.username:<12} {user.description}", highlight=False)
    if serve_:
        _run(host, port, data)


@app.command("adduser")
def add_user(
    username: Annotated[str, typer.Argument(help="ユーザー名 / user name")],
    municipality: Annotated[str, typer.Option("--municipality", help="団体名（例: 伊勢崎市） / municipality")],
    role: Annotated[str, typer.Option("--role", help="admin（企画担当） / editor（担当課） / reviewer（確認者）")],
    department: Annotated[list[str] | None, typer.Option("--department", help="担当課（editor、複数可）")] = None,
    prefecture: Annotated[str, typer.Option("--prefecture", help="都道府県 / prefecture")] = "",
    code: Annotated[str, typer.Option("--code", help="団体コード6桁 / body code")] = "",
    slug: Annotated[str, typer.Option("--slug", help="URL 用の短い名前（例: isesaki） / URL name")] = "",
    data: DataOption = Path("data"),
) -> None:
    """職員を登録します（団体がなければ作成、パスワードは入力） / add a staff user with a role."""
    if role not in ("admin", "editor", "reviewer"):
        fail(f"役割は admin / editor / reviewer のいずれかです / unknown role: {role}")
    password = typer.prompt("パスワード / password", hide_input=True, confirmation_prompt=True)
    prepare_data(data, "127.0.0.1")
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from kouka.web.models import Department, Membership, Municipality

    try:  # with the user name, so that a password close to it is refused too
        validate_password(password, get_user_model()(username=username))
    except ValidationError as exc:
        fail(" ".join(exc.messages))
    found = Municipality.objects.filter(name=municipality).first()
    if found is None:
        if not slug:
            fail("新しい団体には --slug が必要です / a new municipality needs --slug")
        found = Municipality.objects.create(name=municipality, prefecture=prefecture, code=code, slug=slug)
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.set_password(password)
    user.save()
    member, _ = Membership.objects.update_or_create(user=user, defaults={"municipality": found, "role": role})
    member.departments.set([Department.objects.get_or_create(municipality=found, name=name)[0]
                            for name in department or []])
    console.print(f"{username} を {found.name} の {member.get_role_display()} として登録しました / user added")
