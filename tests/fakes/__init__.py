"""Fakes of the hardware and services jiaohao talks to, for tests."""
