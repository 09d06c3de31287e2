"""The console's URLs plus one page that is the bare layout: `base.html` with its context and an
empty content block, behind the same middleware, login and context processors as every page.
The package page benchmark measures its views against this page's p50 in the same run."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from console.urls import urlpatterns as console_urlpatterns


@login_required
def bare_layout(request):
    return render(request, "base.html")


urlpatterns = [path("bench/bare-layout/", bare_layout, name="bench_bare_layout"), *console_urlpatterns]
