"""Outputs: a set of files appears whole or not at all, runs never mix their files, a killed
run leaves nothing for the next, modes follow the umask, GeoPackages are reproducible, and bad
output paths fail before any work is done."""

from __future__ import annotations

import errno
import importlib
import multiprocessing
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

import corridors
from corridors.cli.app import run
from corridors.exceptions import OutputError
from corridors.network.io import (
    TEMP_TAG,
    atomic_folder,
    atomic_path,
    check_output,
    write_text_atomic,
)


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(f"*{TEMP_TAG}*"))


def test_a_failed_set_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with pytest.raises(RuntimeError), atomic_folder(target) as tmp:
        write_text_atomic(tmp / "a.csv", "a\n")
        raise RuntimeError("the job broke half-way")
    assert not target.exists()
    assert _temporaries(tmp_path) == []


def test_a_set_replaces_its_files_and_keeps_the_others(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "a.csv").write_text("old\n")
    (target / "mine.txt").write_text("keep\n")
    with atomic_folder(target) as tmp:
        write_text_atomic(tmp / "a.csv", "new\n")
        write_text_atomic(tmp / "b.csv", "new\n")
        assert not (target / "b.csv").exists()  # nothing shows before the set is complete
    assert {p.name: p.read_text() for p in target.iterdir()} == {
        "a.csv": "new\n",
        "b.csv": "new\n",
        "mine.txt": "keep\n",
    }
    assert _temporaries(tmp_path) == []


def _write_sets(folder: str, tag: str, rounds: int) -> None:
    for _ in range(rounds):
        with atomic_folder(folder) as tmp:
            for name in ("a", "b", "c"):
                (tmp / name).write_text(tag)


def test_two_runs_writing_one_folder_never_mix(tmp_path: Path) -> None:
    target = tmp_path / "out"
    context = multiprocessing.get_context("spawn")
    runs = [context.Process(target=_write_sets, args=(str(target), t, 40)) for t in "XY"]
    for p in runs:
        p.start()
    for p in runs:
        p.join(timeout=120)
        assert p.exitcode == 0
    contents = {p.read_text() for p in target.iterdir()}
    assert len(contents) == 1 and sorted(p.name for p in target.iterdir()) == ["a", "b", "c"]
    assert _temporaries(tmp_path) == []


KILLED = """
import os, signal, sys
from pathlib import Path
from corridors.network.io import atomic_folder, atomic_path
target = Path(sys.argv[1])
with atomic_path(target / "single.txt") as tmp:
    tmp.write_text("half")
    with atomic_folder(target / "set") as folder:
        (folder / "a").write_text("half")
        os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_killed_run_leaves_nothing_for_the_next(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", KILLED, str(tmp_path)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
        check=False,
    )
    assert done.returncode == -signal.SIGKILL
    assert len(_temporaries(tmp_path)) == 2  # the dead run's file and folder
    write_text_atomic(tmp_path / "other.txt", "next run\n")
    assert _temporaries(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.txt"]


def test_a_live_runs_temporaries_are_left_alone(tmp_path: Path) -> None:
    live = tmp_path / f".x{TEMP_TAG}{os.getppid()}-abc.txt"
    live.write_text("another run is writing this")
    write_text_atomic(tmp_path / "y.txt", "y")
    assert live.exists()


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077])
def test_outputs_honour_the_umask(tmp_path: Path, mask: int) -> None:
    old = os.umask(mask)
    try:
        write_text_atomic(tmp_path / "one.txt", "x")
        with atomic_folder(tmp_path / "set") as tmp:
            write_text_atomic(tmp / "f.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "one.txt").stat().st_mode) == 0o666 & ~mask
    assert stat.S_IMODE((tmp_path / "set" / "f.txt").stat().st_mode) == 0o666 & ~mask
    assert stat.S_IMODE((tmp_path / "set").stat().st_mode) == 0o777 & ~mask


def test_geopackage_export_is_byte_identical(tiny_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    outputs = []
    for run_no in (1, 2):
        folder = tmp_path / str(run_no)
        corridors.write_network(tiny_graph, folder / "p.gpkg", folder / "l.gpkg")
        outputs.append([(folder / n).read_bytes() for n in ("p.gpkg", "l.gpkg")])
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize(
    ("make", "folder", "expected"),
    [
        (lambda p: p.mkdir(), False, "exists and is not a file"),
        (lambda p: p.write_text(""), True, "exists and is not a folder"),
        (lambda p: p.symlink_to(p.parent / "nowhere" / "x"), False, "a symbolic link to nothing"),
        (lambda p: p.symlink_to(p.parent / "nowhere"), True, "a symbolic link to nothing"),
    ],
)
def test_bad_output_paths(tmp_path: Path, make, folder: bool, expected: str) -> None:
    target = tmp_path / "out"
    make(target)
    with pytest.raises(OutputError, match=expected):
        check_output(target, folder=folder)


def test_a_nul_in_an_output_path(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot contain a NUL character"):
        write_text_atomic(tmp_path / "a\x00b", "x")


def test_an_output_under_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError, match="is not a folder"):
        write_text_atomic(tmp_path / "file" / "x.txt", "x")


def test_a_full_disk_is_one_clean_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(OutputError, match=r"x\.txt: cannot write \(No space left on device\)"):
        write_text_atomic(tmp_path / "x.txt", "x")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(OSError), atomic_path(tmp_path / "y.txt"):
        raise OSError(errno.EIO, "I/O error")
    assert list(tmp_path.iterdir()) == []


# --- through the command line ---------------------------------------------------------------


def _tiny(files: tuple[Path, Path]) -> list[str]:
    return ["--places", str(files[0]), "--links", str(files[1])]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["compare", "S", "--out", "FILE"], "error: FILE: exists and is not a folder"),
        (["compare", "S", "--out", "FILE/sub"], "is not a folder"),
        (["compare", "S", "--map", "DANGLING"], "DANGLING: a symbolic link to nothing"),
        (["assign", "D", "--out", "FILE"], "error: FILE: exists and is not a folder"),
        (["sweep", "S", "--out", "FILE"], "error: FILE: exists and is not a folder"),
        (["export", "FILE"], "error: FILE: exists and is not a folder"),
        (["route", "A", "D", "--map", "FILE/x.html"], "is not a folder"),
        (["map", "--out", "DANGLING"], "DANGLING: a symbolic link to nothing"),
        (["map", "--png", "FILE/x.png"], "is not a folder"),
    ],
)
def test_outputs_are_checked_before_the_job_runs(
    tmp_path: Path,
    tiny_files: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: str,
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the job ran before its outputs were checked")

    for module, name in (
        ("corridors.network.io", "load_network"),
        ("corridors.network.io", "read_network"),
        ("corridors.scenarios.compare", "compare"),
    ):
        monkeypatch.setattr(importlib.import_module(module), name, never)
    (tmp_path / "FILE").write_text("")
    (tmp_path / "DANGLING").symlink_to(tmp_path / "nowhere")
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: s\n")
    demand = tmp_path / "d.csv"
    demand.write_text("origin,destination,commodity,tonnes_per_year\nA,D,container,1\n")
    names = {"FILE": str(tmp_path / "FILE"), "DANGLING": str(tmp_path / "DANGLING")}
    names |= {"S": str(scenario), "D": str(demand)}
    argv = [names.get(a, a) for a in args]
    for a, full in names.items():
        argv = [x.replace(f"{a}/", f"{full}/") if x.startswith(f"{a}/") else x for x in argv]
    assert run([*argv, *_tiny(tiny_files)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert expected.replace("FILE", names["FILE"]).replace("DANGLING", names["DANGLING"]) in err


def test_assign_out_appears_whole_or_not_at_all(
    tmp_path: Path, tiny_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import corridors.network.io

    demand = tmp_path / "d.csv"
    demand.write_text("origin,destination,commodity,tonnes_per_year\nA,D,container,1000\n")
    real = corridors.network.io.write_text_atomic
    calls = []

    def third_fails(path: Path, text: str) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(path, text)

    monkeypatch.setattr(corridors.network.io, "write_text_atomic", third_fails)
    out = tmp_path / "out"
    assert run(["assign", str(demand), "--out", str(out), *_tiny(tiny_files)]) == 1
    assert not out.exists()
    assert _temporaries(tmp_path) == []
    monkeypatch.setattr(corridors.network.io, "write_text_atomic", real)
    assert run(["assign", str(demand), "--out", str(out), *_tiny(tiny_files)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "assignment.json",
        "flows.csv",
        "pairs.csv",
        "routes.csv",
        "shadow_prices.csv",
        "unserved.csv",
        "utilisation.csv",
    ]


def test_export_is_whole_and_reproducible(tmp_path: Path, tiny_files: tuple[Path, Path]) -> None:
    for name in ("a", "b"):
        assert run(["export", str(tmp_path / name), "--format", "gpkg", *_tiny(tiny_files)]) == 0
    for file in ("places.gpkg", "links.gpkg"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    assert _temporaries(tmp_path) == []
