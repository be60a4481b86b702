"""Soak: the user state machine and the card-answer fuzz of the tests, at counts too large for CI.

1. ``--sequences`` (default 10,000) sequences of what users do, on a fresh in-process simulated card each, driven by
   a seeded random user through :class:`tests.test_stateful.UserSession`: the same model of the card (the issuer's
   FAQ) and the same checks after every step as the hypothesis machine (counters, the card's own APDU log, exit
   codes and messages, wiped answers).
2. ``--answers`` (default 100,000) scripted card answers (any status word, truncated or over-long responses, 61xx
   chains, 6Cxx, PC/SC errors) through the real PC/SC connection, APDU protocol, session and backend, checked by
   :func:`tests.test_fuzz.run_backend_case` and :func:`tests.test_fuzz.run_protocol_case`.

Prints what was covered. Exits 1 with the seed and the failing case on the first failure.

    .venv/bin/python benchmarks/soak.py [--sequences 10000] [--answers 100000] [--seed 1] [--jobs 2]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import shutil
import string
import sys
import tempfile
import time
import traceback
from collections import Counter as Tally
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import tests.system.test_stateful as sf  # noqa: E402
import tests.unit.test_fuzz as fz  # noqa: E402

# --- 1. users -------------------------------------------------------------------------------------------------


def mixed_pin(rng: random.Random) -> str:
    body = [rng.choice(sf.ALNUM) for _ in range(rng.randint(2, 14))]
    body.insert(rng.randint(0, len(body)), rng.choice(string.ascii_letters))
    body.insert(rng.randint(0, len(body)), rng.choice(string.digits))
    return "".join(body)


def wrong_secret(rng: random.Random) -> str:
    return mixed_pin(rng) if rng.random() < 0.7 else rng.choice(sf.GUESSABLE + sf.REPEATED)


class RandomUser:
    """The hypothesis machine's rules, chosen by weight with a seeded generator."""

    def __init__(self, rng: random.Random, session: sf.UserSession) -> None:
        self.rng = rng
        self.s = session
        self.actions: list[tuple[float, Callable[[], None]]] = [
            (1.0, self.status),
            (1.0, self.change_right),
            (2.0, self.change_wrong),
            (0.7, self.change_wrong_repeatedly),
            (0.7, self.change_unusable_current),
            (0.7, self.change_refused_new),
            (0.7, self.change_mismatched),
            (1.0, self.unlock_right),
            (1.5, self.unlock_wrong),
            (0.5, self.unlock_wrong_repeatedly),
            (0.5, self.unlock_refused),
            (0.5, self.pull_and_reinsert),
            (0.3, self.change_while_card_pulled),
            (0.4, self.change_after_other_app),
        ]
        self.weights = [w for w, _ in self.actions]

    def step(self) -> None:
        if not self.s.model.inserted and self.rng.random() < 0.5:
            self.s.insert()
            return
        _, action = self.rng.choices(self.actions, self.weights)[0]
        action()

    def current(self) -> str:
        return self.s.model.pin if self.rng.random() < 0.5 else wrong_secret(self.rng)

    def status(self) -> None:
        self.s.status()

    def change_right(self) -> None:
        new = mixed_pin(self.rng)
        self.s.change("change_right", self.s.model.pin, new, new)

    def change_wrong(self) -> None:
        wrong, new = wrong_secret(self.rng), mixed_pin(self.rng)
        if wrong != self.s.model.pin:
            self.s.change("change_wrong", wrong, new, new)

    def change_wrong_repeatedly(self) -> None:
        for _ in range(self.rng.randint(2, sf.MAX_TRIES)):
            self.change_wrong()

    def change_unusable_current(self) -> None:
        new = mixed_pin(self.rng)
        self.s.change("change_unusable_current", self.rng.choice(sf.UNUSABLE), new, new)

    def change_refused_new(self) -> None:
        new = self.rng.choice(sf.GUESSABLE + sf.REPEATED + sf.UNUSABLE)
        self.s.change("change_refused_new", self.current(), new, new)

    def change_mismatched(self) -> None:
        new, other = mixed_pin(self.rng), mixed_pin(self.rng)
        if new != other:
            self.s.change("change_mismatched", self.current(), new, other)

    def unlock_right(self) -> None:
        new = mixed_pin(self.rng)
        self.s.unlock("unlock_right", sf.SHEET_CODE, new, new, self.rng.random() < 0.5)

    def unlock_wrong(self) -> None:
        code, new = wrong_secret(self.rng), mixed_pin(self.rng)
        if code != sf.SHEET_CODE:
            self.s.unlock("unlock_wrong", code, new, new, self.rng.random() < 0.5)

    def unlock_wrong_repeatedly(self) -> None:
        final = self.rng.random() < 0.5
        for _ in range(self.rng.randint(2, sf.MAX_TRIES)):
            code, new = wrong_secret(self.rng), mixed_pin(self.rng)
            if code != sf.SHEET_CODE:
                self.s.unlock("unlock_wrong", code, new, new, final)

    def unlock_refused(self) -> None:
        code = sf.SHEET_CODE if self.rng.random() < 0.5 else self.rng.choice([wrong_secret(self.rng), *sf.UNUSABLE])
        new = self.rng.choice(sf.GUESSABLE + sf.REPEATED + sf.UNUSABLE)
        self.s.unlock("unlock_refused", code, new, new, True)

    def pull_and_reinsert(self) -> None:
        if not self.s.model.inserted:
            return
        self.s.pull()
        for _ in range(self.rng.randint(0, 2)):
            self.rng.choice([self.status, self.change_right, self.unlock_right])()
        self.s.insert()

    def change_while_card_pulled(self) -> None:
        current, new = self.current(), mixed_pin(self.rng)
        if current != new:
            self.s.change_while_card_pulled(current, new)

    def change_after_other_app(self) -> None:
        current, new = self.current(), mixed_pin(self.rng)
        if current != new:
            self.s.change_after_other_app(current, new)


def run_users(seed: int, count: int, max_steps: int) -> sf.Coverage:
    coverage = sf.Coverage()
    parent = "/dev/shm" if os.path.isdir("/dev/shm") else None
    for i in range(count):
        rng = random.Random(f"{seed}-{i}")
        root = Path(tempfile.mkdtemp(prefix="aosign-soak-", dir=parent))
        try:
            session = sf.UserSession(sf.InProcessCard(root, rng.choice(["ja", "en"])), coverage)
            user = RandomUser(rng, session)
            for _ in range(rng.randint(1, max_steps)):
                user.step()
        except Exception:
            raise SystemExit(f"user sequence {seed}-{i} failed:\n{traceback.format_exc()}") from None
        finally:
            shutil.rmtree(root, ignore_errors=True)
    return coverage


def merge(into: sf.Coverage, part: sf.Coverage) -> None:
    into.sequences += part.sequences
    into.steps += part.steps
    into.rules.update(part.rules)
    into.exits.update(part.exits)
    into.locks += part.locks
    into.deaths += part.deaths
    into.unlocks_from_locked += part.unlocks_from_locked
    into.final_try_refusals += part.final_try_refusals


# --- 2. card answers ------------------------------------------------------------------------------------------


def random_answer(rng: random.Random) -> fz.Answer:
    r = rng.random()
    if r < 0.6:
        return rng.choice([b"\x90\x00", b"\x63\xca", b"\x63\xc9", b"\x63\xc1"])
    if r < 0.9:
        sw = rng.choice(fz.SWS) if rng.random() < 0.7 else rng.randrange(0x10000)
        size = rng.choice([0, 0, 0, rng.randint(1, 8), rng.randint(250, 300)])
        return rng.randbytes(size) + sw.to_bytes(2, "big")
    if r < 0.95:
        return rng.randbytes(rng.randint(0, 1))
    return int(rng.choice(fz.HRESULTS))


def run_answers(seed: int, count: int) -> tuple[Tally[str], int]:
    outcomes: Tally[str] = Tally()
    answers = 0
    for i in range(count):
        rng = random.Random(f"answers-{seed}-{i}")
        try:
            if rng.random() < 0.75:
                op: fz.Op = rng.choice(["status", "change", "unblock"])
                script = [random_answer(rng) for _ in range(rng.randint(0, 12))]
                seen = rng.choice([None, *range(11)])
                outcome = fz.run_backend_case(rng.choice(fz.DIALECTS), op, script, seen)
                outcomes[f"{op}: {outcome}"] += 1
            else:
                ins = rng.choice([0xA4, 0x20, 0x24, 0x2C, 0xCA, 0xB0])
                le = rng.choice([None, rng.randint(1, 256)])
                pairs = []
                for _ in range(rng.randint(0, 20)):
                    kinds = [rng.choice(fz.SWS), rng.randint(0x6100, 0x61FF), rng.randint(0x6C00, 0x6CFF)]
                    sw = rng.choice([*kinds, rng.randrange(1 << 16)])
                    pairs.append((rng.randbytes(rng.choice([0, 0, 4, 260])), sw))
                script = pairs  # type: ignore[assignment]
                outcome = fz.run_protocol_case(ins, le, rng.randbytes(rng.randint(0, 40)), pairs)
                outcomes[f"send_apdu: {outcome}"] += 1
        except Exception:
            raise SystemExit(f"answer case answers-{seed}-{i} failed:\n{traceback.format_exc()}") from None
        answers += len(script)
    return outcomes, answers


# --- main -----------------------------------------------------------------------------------------------------


def _users_job(args: tuple[int, int, int]) -> sf.Coverage:
    return run_users(*args)


def _answers_job(args: tuple[int, int]) -> tuple[Tally[str], int]:
    return run_answers(*args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("--sequences", type=int, default=10_000)
    parser.add_argument("--max-steps", type=int, default=30, help="steps per sequence: 1 to this (default 30)")
    parser.add_argument("--answers", type=int, default=100_000, help="card-answer cases (default 100000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    jobs = max(1, args.jobs)

    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
    print(f"command: {' '.join(sys.argv)}  (seed {args.seed}, {jobs} processes)")
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        t0 = time.perf_counter()
        shares = [args.sequences // jobs + (i < args.sequences % jobs) for i in range(jobs)]
        coverage = sf.Coverage()
        for part in pool.map(_users_job, [(args.seed * 1000 + i, n, args.max_steps) for i, n in enumerate(shares)]):
            merge(coverage, part)
        t1 = time.perf_counter()
        shares = [args.answers // jobs + (i < args.answers % jobs) for i in range(jobs)]
        outcomes: Tally[str] = Tally()
        answers = 0
        for part_outcomes, part_answers in pool.map(
            _answers_job, [(args.seed * 1000 + i, n) for i, n in enumerate(shares)]
        ):
            outcomes.update(part_outcomes)
            answers += part_answers
        t2 = time.perf_counter()

    print()
    print(f"1. users on the in-process card: all checks held ({t1 - t0:.0f} s)")
    for line in coverage.report():
        print("   " + line)
    print()
    print(f"2. card answers: {args.answers} cases, {answers} scripted answers; all checks held ({t2 - t1:.0f} s)")
    for key, n in sorted(outcomes.items()):
        print(f"   {key:40s} {n:7d}")


if __name__ == "__main__":
    main()
