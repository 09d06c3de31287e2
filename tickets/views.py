from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def submit(request):
    return render(request, "tickets/placeholder.html", {"heading": "Submit a Ticket"})


@login_required
def mine(request):
    return render(request, "tickets/placeholder.html", {"heading": "My tickets"})
