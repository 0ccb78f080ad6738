"""Whatever a file, a script or a person sends: a report or a clear error, never a traceback or a hang."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kratom_check import safe_yaml as safeyaml
from kratom_check.errors import OutputError
from kratom_check.render import save as output

from .conftest import EXAMPLE_ANSWERS, REPO

Run = Callable[..., Any]

HANG_GUARD = 20  # seconds: a guard against hangs, not a speed target (benchmarks/ carries those)


def run_bytes(run_cli: Run, tmp_path: Path, content: bytes, *args: str) -> Any:
    path = tmp_path / "answers.yaml"
    path.write_bytes(content)
    return run_cli("--answers", str(path), *args)


def assert_clear_error(result: Any, *fragments: str) -> None:
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


# --- hostile YAML -----------------------------------------------------------------------------

BILLION_LAUGHS = b"""\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_alias_bomb_is_refused(run_cli: Run, tmp_path: Path) -> None:
    assert_clear_error(run_bytes(run_cli, tmp_path, BILLION_LAUGHS), "too many aliases")


@pytest.mark.parametrize("opener", ["[", "{a: "])
def test_deeply_nested_data_is_refused_without_recursion_error(run_cli: Run, tmp_path: Path, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    depth = 100_000
    result = run_bytes(run_cli, tmp_path, (opener * depth + closer * depth).encode())
    assert_clear_error(result, "nested more than 50 levels deep")


def test_deeply_nested_block_yaml_is_refused(run_cli: Run, tmp_path: Path) -> None:
    text = "".join("  " * level + "- \n" for level in range(200))
    assert_clear_error(run_bytes(run_cli, tmp_path, text.encode()), "nested more than 50 levels deep")


def test_file_over_the_size_limit_names_the_limit(run_cli: Run, tmp_path: Path) -> None:
    content = EXAMPLE_ANSWERS.encode() + b"# padding\n" * (safeyaml.MAX_BYTES // 10 + 1)
    assert_clear_error(run_bytes(run_cli, tmp_path, content), "larger than 1 MiB")


def test_binary_data_is_refused(run_cli: Run, tmp_path: Path) -> None:
    assert_clear_error(run_bytes(run_cli, tmp_path, bytes(range(256))), "binary file")


def test_invalid_utf8_is_refused_with_the_position(run_cli: Run, tmp_path: Path) -> None:
    assert_clear_error(
        run_bytes(run_cli, tmp_path, b"frequency: daily\xff\n"), "not UTF-8 text (bad byte at position 16)"
    )


def test_utf8_byte_order_mark_just_works(run_cli: Run, tmp_path: Path) -> None:
    result = run_bytes(run_cli, tmp_path, b"\xef\xbb\xbf" + EXAMPLE_ANSWERS.encode(), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["level"] == "high"


def test_crlf_line_ends_just_work(run_cli: Run, tmp_path: Path) -> None:
    result = run_bytes(run_cli, tmp_path, EXAMPLE_ANSWERS.replace("\n", "\r\n").encode(), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["level"] == "high"


def test_tab_indentation_gets_a_hint(run_cli: Run, tmp_path: Path) -> None:
    result = run_bytes(run_cli, tmp_path, b"product_forms:\n\t- leaf\n")
    assert_clear_error(result, ":2: not valid YAML", "Use spaces, not tabs, to indent.")


@pytest.mark.parametrize("content", [b"", b"   \n\n", b"# only a comment\n"])
def test_empty_file_is_refused(run_cli: Run, tmp_path: Path, content: bytes) -> None:
    assert_clear_error(run_bytes(run_cli, tmp_path, content), "the file is empty")


@pytest.mark.parametrize(("content", "shape"), [(b"- daily\n- leaf\n", "a list"), (b"daily\n", "a single value")])
def test_a_list_or_scalar_document_is_refused(run_cli: Run, tmp_path: Path, content: bytes, shape: str) -> None:
    assert_clear_error(run_bytes(run_cli, tmp_path, content), "must be a mapping of question id to answer", shape)


def test_several_yaml_documents_are_refused(run_cli: Run, tmp_path: Path) -> None:
    content = (EXAMPLE_ANSWERS + "---\n" + EXAMPLE_ANSWERS).encode()
    assert_clear_error(run_bytes(run_cli, tmp_path, content), "more than one YAML document")


def test_duplicate_keys_are_refused(run_cli: Run, tmp_path: Path) -> None:
    content = (EXAMPLE_ANSWERS + "frequency: rarely\n").encode()
    assert_clear_error(run_bytes(run_cli, tmp_path, content), ":9: the key 'frequency' appears twice")


@pytest.mark.parametrize(
    "tag",
    ["!!python/object/apply:os.system ['echo pwned']", "!!python/name:os.system", "!!binary aGk=", "!custom x"],
)
def test_unsafe_yaml_tags_are_refused(run_cli: Run, tmp_path: Path, tag: str) -> None:
    result = run_bytes(run_cli, tmp_path, f"frequency: {tag}\n".encode())
    assert_clear_error(result, "is not allowed. Use plain values only.")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("3", "3 is not a choice"),
        ("null", "'frequency' needs an answer"),
        ("{nested: mapping}", "a nested list or mapping is not a choice"),
        ("[daily, weekly]", "give one answer, not a list"),
        ("hourly", "'hourly' is not a choice"),
    ],
)
def test_wrong_types_and_unknown_ids_name_the_question(run_cli: Run, value: str, fragment: str) -> None:
    text = EXAMPLE_ANSWERS.replace("frequency: several_daily", f"frequency: {value}")
    assert_clear_error(run_cli(input=text), fragment, "rarely, weekly, daily, several_daily, many_daily")


def test_none_combined_with_other_choices_is_refused(run_cli: Run) -> None:
    text = EXAMPLE_ANSWERS.replace("co_use: [alcohol]", "co_use: [none, alcohol]")
    assert_clear_error(run_cli(input=text), "'co_use': 'none' cannot be combined with other choices")


# --- hostile questionnaires ---------------------------------------------------------------------

QUESTIONS = (REPO / "questions.yaml").read_text(encoding="utf-8")


def run_questionnaire(run_cli: Run, tmp_path: Path, text: str) -> Any:
    path = tmp_path / "questions.yaml"
    path.write_text(text, encoding="utf-8")
    return run_cli("--questions", str(path), input=EXAMPLE_ANSWERS)


def test_a_condition_loop_is_refused(run_cli: Run, tmp_path: Path) -> None:
    looped = QUESTIONS.replace(
        'ask_if: {answer: daily_medicines, is: "yes"}', "ask_if: {answer: medicine_kinds, includes: other}"
    )
    assert_clear_error(
        run_questionnaire(run_cli, tmp_path, looped), "'medicine_kinds' is not an earlier question id"
    )


def test_dangling_references_are_refused(run_cli: Run, tmp_path: Path) -> None:
    dangling = QUESTIONS.replace(
        "when: {answer: co_use, includes: alcohol}", "when: {answer: booze, includes: alcohol}"
    )
    assert_clear_error(run_questionnaire(run_cli, tmp_path, dangling), "'booze' is not question id")


# --- properties ---------------------------------------------------------------------------------

json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


@st.composite
def answer_like(draw: st.DrawFn) -> Any:
    """Mostly real question ids with real or junk values, sometimes anything at all."""
    if draw(st.integers(0, 4)) == 0:
        return draw(json_like)
    data = yaml.safe_load(EXAMPLE_ANSWERS)
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.sampled_from([*data, "pregnancy", "opioids", "symptoms", "x"]))
        data[key] = draw(json_like | st.sampled_from(["none", "yes", "no", "daily", ["none", "itching"]]))
    return data


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=answer_like())
def test_any_json_like_answers_end_in_a_report_or_a_clear_error(run_cli: Run, document: Any) -> None:
    result = run_cli("--format", "json", input=json.dumps(document))
    assert result.exit_code in (0, 2), result.stderr
    assert "Traceback" not in result.stderr
    if result.exit_code == 0:
        assert json.loads(result.stdout)["level"] in {"low", "moderate", "high", "urgent"}
    else:
        assert result.stdout == ""
        assert result.stderr.startswith("Error: ")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=300))
def test_any_bytes_end_in_a_report_or_a_clear_error(run_cli: Run, content: bytes) -> None:
    result = run_cli("--answers", "-", input=content)
    assert result.exit_code in (0, 2), result.stderr
    assert "Traceback" not in result.stderr


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


QUESTIONS_DATA = yaml.safe_load(QUESTIONS)
QUESTIONS_PATHS = _paths(QUESTIONS_DATA)


def _mutate(data: Any, path: tuple[Any, ...], operation: str, replacement: Any) -> Any:
    import copy

    mutated = copy.deepcopy(data)
    parent = mutated
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if operation == "drop":
        del parent[last]
    elif operation == "retype":
        parent[last] = replacement
    elif operation == "rename" and isinstance(parent[last], str):
        parent[last] = parent[last] + "_x"
    elif operation == "rename_key" and isinstance(parent, dict):
        parent[f"{last}_x"] = parent.pop(last)
    return mutated


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(QUESTIONS_PATHS),
    operation=st.sampled_from(["drop", "retype", "rename", "rename_key"]),
    replacement=st.sampled_from([None, 0, -1, 10**6, "", "x", [], {}, [1], {"a": 1}, True, 2.5]),
)
def test_mutated_questionnaires_end_in_a_report_or_a_clear_error(
    run_cli: Run, tmp_path: Path, path: tuple[Any, ...], operation: str, replacement: Any
) -> None:
    mutated = _mutate(QUESTIONS_DATA, path, operation, replacement)
    result = run_questionnaire(run_cli, tmp_path, yaml.safe_dump(mutated, sort_keys=False))
    assert result.exit_code in (0, 2), result.stderr
    assert "Traceback" not in result.stderr


# --- files and privacy --------------------------------------------------------------------------


def test_interrupt_while_writing_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(_: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    target = tmp_path / "report.txt"
    with pytest.raises(KeyboardInterrupt):
        output.write_atomically(target, "report", force=False)
    assert list(tmp_path.iterdir()) == []


def test_crash_while_writing_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(_: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OutputError, match="No space left on device"):
        output.write_atomically(tmp_path / "report.txt", "report", force=True)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_is_a_clear_error(run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "access", lambda *_args, **_kwargs: False)
    result = run_cli("--output", str(tmp_path / "report.txt"), input=EXAMPLE_ANSWERS)
    assert_clear_error(result, "you cannot write in this folder")


def test_output_under_a_file_is_a_clear_error(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    result = run_cli("--output", str(tmp_path / "file.txt" / "report.txt"), input=EXAMPLE_ANSWERS)
    assert_clear_error(result, "this folder does not exist")


def test_a_normal_run_writes_no_file_anywhere(tmp_path: Path) -> None:
    home, work, temp = tmp_path / "home", tmp_path / "work", tmp_path / "tmp"
    for folder in (home, work, temp):
        folder.mkdir()
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(temp), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "kratom_check"],
        input=EXAMPLE_ANSWERS,
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
        timeout=HANG_GUARD,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert [list(folder.iterdir()) for folder in (home, work, temp)] == [[], [], []]


def test_the_whole_flow_opens_no_network_connection(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("kratom-check tried to open a network connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    for output_format in ("text", "json", "markdown"):
        result = run_cli("--format", output_format, input=EXAMPLE_ANSWERS)
        assert result.exit_code == 0, result.stderr


# --- terminals and streams ----------------------------------------------------------------------


def run_subprocess(*args: str, env: dict[str, str] | None = None, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kratom_check", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=HANG_GUARD,
        check=False,
        **kwargs,
    )


def test_ascii_only_output_stream_works(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(EXAMPLE_ANSWERS.replace("symptoms: [none]", "symptoms: [none]\nwithdrawal_when_stopping: 'yes'"))
    result = run_subprocess("--answers", str(path), env={"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr
    assert "Your result: High" in result.stdout
    assert result.stderr == ""


def test_closed_pipe_ends_quietly() -> None:
    for output_format in ("text", "json"):
        process = subprocess.Popen(
            [sys.executable, "-m", "kratom_check", "--format", output_format],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stdout is not None
        process.stdout.close()
        _, errors = process.communicate(EXAMPLE_ANSWERS.encode(), timeout=HANG_GUARD)
        assert errors == b"", output_format
        assert process.returncode == 141


def test_head_dash_1_ends_quietly(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(EXAMPLE_ANSWERS, encoding="utf-8")
    command = f"{sys.executable} -m kratom_check --answers {path} | head -1"
    result = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=HANG_GUARD, check=False)
    assert result.stdout == "Your result: High: we found a serious risk, or several risks together\n"
    assert result.stderr == ""


# Measured from a small helper process: a child forked straight from pytest would count
# pytest's own memory in its peak.
PEAK_OF_CHILD = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
errors = process.stderr.read()
_, status, usage = os.wait4(process.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss, b"Traceback" in errors)
"""


@pytest.mark.parametrize(
    "content",
    [BILLION_LAUGHS, b"[" * 100_000 + b"]" * 100_000, b"a: " + b"x" * (safeyaml.MAX_BYTES + 10)],
    ids=["alias-bomb", "deep-nesting", "over-size"],
)
def test_hostile_files_are_refused_with_bounded_memory(tmp_path: Path, content: bytes) -> None:
    """Peak memory stays near a normal run's (about 35 MiB here); the cap catches an explosion."""
    path = tmp_path / "answers.yaml"
    path.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-c", PEAK_OF_CHILD, sys.executable, "-m", "kratom_check", "--answers", str(path)],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        check=True,
    )
    exit_code, peak_kib, traceback = result.stdout.split()
    assert (exit_code, traceback) == ("2", "False")
    assert int(peak_kib) < 100 * 1024


def test_a_full_disk_behind_standard_output_is_an_output_error_not_a_bug() -> None:
    """/dev/full answers every write with 'No space left on device'."""
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "kratom_check", "--answers", "-"],
            input=EXAMPLE_ANSWERS,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 2
    assert "Error: the report could not be written (No space left on device)." in result.stderr
    assert "bug" not in result.stderr


def test_a_pipe_with_nothing_in_it_yet_is_told_what_is_awaited() -> None:
    import subprocess
    import sys
    import time

    child = subprocess.Popen(
        [sys.executable, "-m", "kratom_check", "--format", "json"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2.5)
    out, err = child.communicate(EXAMPLE_ANSWERS, timeout=60)
    assert "Waiting for an answers file on standard input" in err
    assert child.returncode == 0
    assert '"level": "high"' in out


def test_a_pipe_that_is_ready_gets_no_waiting_notice() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "kratom_check", "--format", "json"],
        input=EXAMPLE_ANSWERS,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert "Waiting" not in result.stderr
