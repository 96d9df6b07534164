"""What the hub shows: views of a ticket, the hall and a window; the wire (who
hears which event); reports, clerk figures, the manager's views; the
notification senders. Reads the core's state; never decides."""
