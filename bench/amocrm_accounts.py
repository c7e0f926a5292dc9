"""A day of leads through the stand-in amoCRM as a real account behaves, with a block midway.

    python bench/amocrm_accounts.py                 # 200 leads, a 3-hour 403 block
    python bench/amocrm_accounts.py --leads 500 --block-hours 6 --status 402

The stand-in refuses text over 256 characters, select values that are not exactly an option,
unknown pipelines, stages and users; its account is in Kaliningrad (west of AIDA_TIMEZONE,
Volgograd). A quarter of the leads carry 2 KB UTM values. After a third of the leads are
delivered the account is blocked (HTML 403 on every endpoint, the token endpoint included;
the access token expires during the block), then unblocked. Time is simulated (a fake clock),
so hours take seconds. Prints the block timeline, the requests made during it, and checks
that every lead arrived exactly once with every field right.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aida.crm.amocrm.adapter import AMO_RATE, AMO_WINDOW
from aida.crm.breaker import current_block
from aida.crm.ratelimit import RateLimiter
from aida.crm.worker import OutboxWorker
from aida.domain import Attribution
from aida.store import open_store
from tests.crm.helpers import FakeClock, amo_settings, make_lead, open_crm_for
from tests.crm.test_outbox import confirm
from tests.fakes.amocrm import MAIN_PIPELINE, NEW_STATUS, FakeAmo


def _attribution(i: int) -> Attribution:
    if i % 4:
        return Attribution(utm_source="yandex", utm_campaign=f"winter-{i % 7}")
    return Attribution(utm_source="google", utm_campaign="c" * 2048, utm_term="t" * 1500)


async def run(leads_n: int, block_hours: float, status: int) -> int:
    clock = FakeClock(start=dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC))
    async with FakeAmo.serve(max_rps=None, account_tz="Europe/Kaliningrad") as amo:
        env = {
            **amo.env(),
            "AMO_PIPELINE_ID": str(MAIN_PIPELINE),
            "AMO_STATUS_ID": str(NEW_STATUS),
            "AMO_RESPONSIBLE_USER_ID": "5001,5002,5003",
            "AIDA_TIMEZONE": "Europe/Volgograd",
        }
        tmp = tempfile.mkdtemp()
        store = open_store(f"sqlite:///{tmp}/bench.db")
        await store.open()
        limiter = RateLimiter(AMO_RATE, AMO_WINDOW, clock=clock.monotonic, sleep=clock.sleep)
        crm = open_crm_for(amo_settings(amo, env), store, limiter=limiter, clock=clock.now)
        worker = OutboxWorker(store, crm, clock=clock.now, rand=lambda: 0.5)
        kinds = ["connection", "connection", "connection", "tech_check", "callback"]
        leads = [
            make_lead(
                session_id=f"s-{i}",
                kind=kinds[i % len(kinds)],
                phone=f"+79{i:09d}",
                email=f"c{i}@example.com",
                date=dt.date(2026, 11, 21 + i % 9),
                router=["included", "rent", "buy", "own"][i % 4],
                cctv_cameras=[0, 1, 2, 4][i % 4],
                attribution=_attribution(i),
            )
            for i in range(leads_n)
        ]
        for lead in leads:
            await confirm(store, lead, clock)
        try:
            third = leads_n // 3
            while amo.leads_created < third:
                await worker.run_once()
            blocked_at = clock.elapsed
            amo.block(status)
            amo.expire_access_tokens()
            before = len(amo.requests)
            probes: list[float] = []
            while clock.elapsed - blocked_at < block_hours * 3600:
                sent = len(amo.requests)
                if not await worker.run_once():
                    clock.advance(10)
                if len(amo.requests) > sent and worker.breaker.open:
                    probes.append((clock.elapsed - blocked_at) / 60)
            during = len(amo.requests) - before
            records = await store.leads()
            failed = sum(r.delivery == "failed" for r in records)
            pending = sum(r.delivery == "pending" for r in records)
            shown = await current_block(store)
            amo.block(None)
            unblocked_at = clock.elapsed
            resumed: float | None = None
            while any(r.delivery == "pending" for r in await store.leads()):
                if not await worker.run_once():
                    clock.advance(10)
                elif resumed is None:
                    resumed = clock.elapsed - unblocked_at
            done_after = clock.elapsed - unblocked_at
        finally:
            await crm.close()
        final = {r.lead.id: r for r in await store.leads()}
        await store.close()

        problems = []
        for lead in leads:
            r = final[lead.id]
            if r.delivery != "delivered" or r.crm_lead_id not in amo.leads:
                problems.append(f"{lead.id[:8]}: {r.delivery}")
                continue
            lid = r.crm_lead_id
            if amo.lead_day(lid, "CONNECTION_DATE") != lead.date:
                problems.append(f"{lead.id[:8]}: date {amo.lead_day(lid, 'CONNECTION_DATE')}")
            campaign = lead.attribution.utm_campaign or ""
            if amo.lead_field(lid, "UTM_CAMPAIGN") != campaign[:255]:
                problems.append(f"{lead.id[:8]}: utm_campaign")
            if amo.leads[lid]["status_id"] != NEW_STATUS and lead.kind == "connection":
                problems.append(f"{lead.id[:8]}: stage")
        tasks = sum(1 for lead in leads if lead.kind in ("callback", "tech_check"))
        print(f"leads: {leads_n} ({leads_n // 4 + (leads_n % 4 > 0)} with 2 KB UTM values)")
        print(
            f"amoCRM: {amo.leads_created} leads, {amo.contacts_created} contacts, "
            f"{amo.notes_created} notes, {len(amo.tasks)} tasks (expected {tasks})"
        )
        print(
            f"block ({status}, HTML) for {block_hours:g} h after {third} leads: "
            f"{during} requests during it, at minutes "
            + ", ".join(f"{p:.0f}" for p in probes[:12])
            + (" …" if len(probes) > 12 else "")
        )
        print(
            f"during the block: {failed} failed, {pending} pending; "
            f"dashboard banner: {'yes' if shown else 'NO'}"
        )
        print(
            f"after unblock: first delivery in {resumed or 0:.0f} s, all delivered in "
            f"{done_after / 60:.1f} min (simulated)"
        )
        tz = ZoneInfo("Europe/Kaliningrad")
        print(
            f"account zone {tz.key}, AIDA_TIMEZONE Europe/Volgograd; field problems: {len(problems)}"
        )
        for p in problems[:10]:
            print("  ", p)
        ok = (
            not problems
            and amo.leads_created == leads_n
            and failed == 0
            and len(amo.tasks) == tasks
        )
        print("OK: every lead exactly once, every field right" if ok else "PROBLEMS")
        return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=200)
    parser.add_argument("--block-hours", type=float, default=3.0)
    parser.add_argument("--status", type=int, default=403, choices=(402, 403))
    args = parser.parse_args()
    sys.exit(asyncio.run(run(args.leads, args.block_hours, args.status)))


if __name__ == "__main__":
    main()
