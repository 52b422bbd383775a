"""One public page saying hello: the baseline of bench/beban.py, through the project's middleware."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path


@login_not_required
def halo(request):
    return HttpResponse("Halo.")


urlpatterns = [path("", halo)]
