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
from kouka.domain.i18n import _

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "isesaki-2022.json"

DataOption = Annotated[Path, typer.Option("--data", help=_("データフォルダ"))]
HostOption = Annotated[str, typer.Option("--host", help=_("待ち受けるアドレス"))]
PortOption = Annotated[int, typer.Option("--port", help=_("ポート"))]


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
        fail(_("データフォルダを用意できません（{data}）（{strerror}）").format(data=data, strerror=exc.strerror))
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
        fail(_("データベースを準備できません（{exc}）").format(exc=exc))


def start_worker(data: Path) -> subprocess.Popen[bytes] | None:
    """``kouka worker`` in a process of its own beside the site (none when uploads are read in the request)."""
    from django.conf import settings

    if settings.KOUKA_QUEUE_URL == "immediate":
        return None
    return subprocess.Popen([sys.executable, "-m", "kouka", "worker", "--data", str(data)])


def _run(host: str, port: int, data: Path) -> None:
    from django.core.management import call_command

    worker = start_worker(data)
    console.print(_("http://{host}:{port}/ で公開中（Ctrl+C で終了）").format(host=host, port=port), soft_wrap=True)
    try:
        call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)


@app.command(help=_("アップロードされたファイルを読むワーカーを起動します（kouka serve は自動で起動）"))
def worker(data: DataOption = Path("data"),
           workers: Annotated[int, typer.Option("--workers", help=_("同時に読むファイルの数"))] = 1
           ) -> None:
    """アップロードされたファイルを読むワーカーを起動します（kouka serve は自動で起動）"""
    prepare_data(data, "127.0.0.1")
    from django.conf import settings

    from kouka.web import queue

    if settings.KOUKA_QUEUE_URL == "immediate":
        fail(_("KOUKA_QUEUE_URL=immediate ではワーカーは不要です（要求の中で読みます）"))
    where = settings.KOUKA_QUEUE_URL or str(Path(settings.DATA_DIR) / "queue.sqlite3")
    console.print(_("アップロードの読み込みを待っています（{where}、Ctrl+C で終了）").format(where=where),
                  highlight=False, soft_wrap=True)
    queue.consumer(workers=max(1, workers)).run()


@app.command(help=_("Webアプリを起動します（SQLite、DATABASE_URL で PostgreSQL）"))
def serve(data: DataOption = Path("data"), host: HostOption = "127.0.0.1", port: PortOption = 8000) -> None:
    """Webアプリを起動します（SQLite、DATABASE_URL で PostgreSQL）"""
    prepare_data(data, host)
    _run(host, port, data)


@app.command()
def demo(data: DataOption = Path("data/demo"), host: HostOption = "127.0.0.1", port: PortOption = 8000,
         serve_: Annotated[bool, typer.Option("--serve/--no-serve", help=_("読み込み後に起動"))]
         = True,
         reset: Annotated[bool, typer.Option("--reset", help=_("既存のデモデータを消して読み込み直す"))]
         = False) -> None:
    """伊勢崎市 令和4年度の例を読み込み、役割ごとのデモ利用者を作って起動します（既存のデモは残します）."""
    if not EXAMPLE.exists():
        fail(_("デモの例 {EXAMPLE} がありません（リポジトリから実行してください）").format(EXAMPLE=EXAMPLE))
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
        console.print((_("デモデータを消して読み込み直しました") if reset else _("デモデータを読み込みました"))
                      + ": " + _("{name}（令和4年度を公表済み、令和5年度は商工労働課が提出済み・"
                                 "企業誘致課は差し戻し中）").format(name=municipality.name))
    console.print(_("デモ利用者（パスワード: {password}）:").format(password=DEMO_PASSWORD))
    for user in users:
        console.print(f"  {user.username:<12} {user.description}", highlight=False)
    if serve_:
        _run(host, port, data)


@app.command("adduser", help=_("職員を登録します（団体がなければ作成、パスワードは入力）"))
def add_user(
    username: Annotated[str, typer.Argument(help=_("ユーザー名"))],
    municipality: Annotated[str, typer.Option("--municipality", help=_("団体名（例: 伊勢崎市）"))],
    role: Annotated[str, typer.Option("--role", help=_("admin（企画担当）、editor（担当課）、reviewer（確認者）"))],
    department: Annotated[list[str] | None, typer.Option("--department", help=_("担当課（editor、複数可）"))] = None,
    prefecture: Annotated[str, typer.Option("--prefecture", help=_("都道府県"))] = "",
    code: Annotated[str, typer.Option("--code", help=_("団体コード6桁"))] = "",
    slug: Annotated[str, typer.Option("--slug", help=_("URL 用の短い名前（例: isesaki）"))] = "",
    data: DataOption = Path("data"),
) -> None:
    """職員を登録します（団体がなければ作成、パスワードは入力）"""
    if role not in ("admin", "editor", "reviewer"):
        fail(_("役割は admin、editor、reviewer のいずれかです（{role}）").format(role=role))
    password = typer.prompt(_("パスワード"), hide_input=True, confirmation_prompt=True)
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
            fail(_("新しい団体には --slug が必要です"))
        found = Municipality.objects.create(name=municipality, prefecture=prefecture, code=code, slug=slug)
    user, _created = get_user_model().objects.get_or_create(username=username)
    user.set_password(password)
    user.save()
    member, _created = Membership.objects.update_or_create(user=user, defaults={"municipality": found, "role": role})
    member.departments.set([Department.objects.get_or_create(municipality=found, name=name)[0]
                            for name in department or []])
    console.print(_("{username} を {name} の {value} として登録しました").format(
        username=username, name=found.name, value=member.get_role_display()))
