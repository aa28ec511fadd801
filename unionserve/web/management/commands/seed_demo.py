"""Load the Beijing demo: the org tree, the working-day calendar and one demo account per role."""

from django.core.management.base import BaseCommand

from unionserve.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo_accounts
from unionserve.orgs.models import OrgUnit
from unionserve.orgs.seed import seed_beijing


class Command(BaseCommand):
    help = "Seed the Beijing org tree, the holiday calendar and the demo accounts (safe to run again)."

    def handle(self, *args, **options):
        from unionserve.workcalendar.seeding import seed_from_package

        seed_beijing()
        seed_from_package()
        made = seed_demo_accounts()
        from unionserve.workorders.demo import seed_demo_work_orders

        orders = seed_demo_work_orders()
        from unionserve.members.demo import seed_demo_members

        members = seed_demo_members()
        self.stdout.write(f"New demo members: {members}")
        self.stdout.write(f"Org units: {OrgUnit.objects.count()}; new demo accounts: {len(made)}; "
                          f"new demo work orders: {len(orders)}")
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for username, _name, code, roles, what in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<11} {', '.join(str(r) for r in roles):<20} {code:<10} {what}")
