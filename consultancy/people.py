"""How the site names a staff member to other staff: one rule, everywhere."""


def user_label(user):
    """Their full name; their username for someone without one."""
    return user.get_full_name().strip() or user.get_username()
