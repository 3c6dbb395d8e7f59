from community.models import Role
from community.staff import CreateStaffCommand


class Command(CreateStaffCommand):
    help = "Create (or promote) a facilitator who signs in at /facilitators/login/."
    role = Role.FACILITATOR
