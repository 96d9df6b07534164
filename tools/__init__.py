"""The tools around the hub: its command line, the demo, the bench and the day
simulators, and the hub process wrapper the tests and the bench start hubs with.
Nothing in the hub imports them."""
