"""Sign-in with a username and password; Django's model permissions for the Django admin only."""

from django.contrib.auth.backends import ModelBackend


class PenggunaBackend(ModelBackend):
    """Django's ModelBackend, without its permission queries for people outside the Django admin.

    What a person may do in the application follows from their role (``instansi/rules.py``);
    Django's model permissions only open the Django admin, which is for staff. Asking the
    database for the permissions of everyone else cost every page two queries (the navigation
    asks ``perms`` for each menu) and could only ever answer "none".
    """

    def get_user_permissions(self, user_obj, obj=None):
        return super().get_user_permissions(user_obj, obj) if user_obj.is_staff else set()

    def get_group_permissions(self, user_obj, obj=None):
        return super().get_group_permissions(user_obj, obj) if user_obj.is_staff else set()
