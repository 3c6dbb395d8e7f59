from community.models import Role
from community.staff import CreateStaffCommand


class Command(CreateStaffCommand):
    help = "Create (or promote) a peer supporter who takes drop-in chats."
    role = Role.SUPPORTER
