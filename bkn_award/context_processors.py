from django.conf import settings


def situs(request):
    """Values every page needs: the site's public address (for printed links)."""
    return {"SITE_URL": settings.SITE_URL}
