"""Load the Beijing demo data of every area (org tree, calendar, accounts, register, 12351, mediation, legal aid)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from unionserve.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo_accounts
from unionserve.assistance import demo as assistance_demo
from unionserve.broadcasts.demo import seed_broadcasts
from unionserve.cards import demo as cards_demo
from unionserve.dataquality.public import recompute_snapshots
from unionserve.hotline.demo import seed_demo_requests
from unionserve.jobs import demo as jobs_demo
from unionserve.joining import demo as joining_demo
from unionserve.knowledge.demo import seed_demo_knowledge
from unionserve.legalaid.demo import seed_demo_legal_aid
from unionserve.linkage.demo import seed_demo_partners, seed_demo_referrals
from unionserve.mediation.demo import seed_demo_mediation
from unionserve.members.demo import seed_demo_members
from unionserve.mutualaid import demo as mutualaid_demo
from unionserve.orgs.models import OrgUnit
from unionserve.orgs.seed import seed_demo_sample
from unionserve.payouts import demo as payouts_demo
from unionserve.projects import demo as projects_demo
from unionserve.stations import demo as stations_demo
from unionserve.venues import demo as venues_demo
from unionserve.visits import demo as visits_demo
from unionserve.workorders.demo import seed_demo_work_orders


class Command(BaseCommand):
    help = "Seed the Beijing demo data and accounts (safe to run again: nothing already there is changed)."

    def handle(self, *args, **options):
        # The real installation's first run (Beijing's tree, calendar, every app's defaults), then the demo layer;
        # the demo's own accounts replace the first administrator.
        call_command("setup_federation", "--beijing", "--no-admin", stdout=self.stdout)
        self.stdout.write(f"New demo companies and grassroots unions: {seed_demo_sample()}")
        accounts = seed_demo_accounts()
        orders = seed_demo_work_orders()
        mediation = seed_demo_mediation()
        self.stdout.write(f"New demo mediators and mediation cases: {mediation}")
        members = seed_demo_members()
        # Today's data-quality rates, so the rates page has figures before the first nightly run.
        recompute_snapshots(remind=False)
        knowledge = seed_demo_knowledge()
        self.stdout.write(f"New demo knowledge articles: {knowledge}")
        requests = seed_demo_requests()
        self.stdout.write(f"New demo 12351 requests: {requests}")
        partners = seed_demo_partners()
        referrals = seed_demo_referrals()
        self.stdout.write(f"New partner bodies (six-party linkage): {partners}; demo referrals: {referrals}")
        seed_broadcasts(log=self.stdout.write)
        legal_aid = seed_demo_legal_aid()
        self.stdout.write(f"New demo legal-aid cases (firms, contracts, lawyers): {legal_aid}")
        # The areas of the card, mutual aid, the stations and assistance, lower layers first.
        for label, seed in (("cards", cards_demo.seed_demo), ("served visits", visits_demo.seed_demo),
                            ("payouts", payouts_demo.seed_demo), ("mutual aid", mutualaid_demo.seed_demo),
                            ("service projects", projects_demo.seed_demo),
                            ("assistance", assistance_demo.seed_demo), ("job placement", jobs_demo.seed_demo),
                            ("brand venues", venues_demo.seed_demo), ("joining online", joining_demo.seed_demo),
                            ("service stations", stations_demo.seed_demo)):
            self.stdout.write(f"Demo {label}: {seed()}")
        self.stdout.write(f"Org units: {OrgUnit.objects.count()}; new demo accounts: {len(accounts)}; "
                          f"new demo work orders: {len(orders)}; new demo members: {members}")
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for username, _name, code, roles, what in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<11} {', '.join(str(r) for r in roles):<20} {code:<10} {what}")
