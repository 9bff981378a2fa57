"""The small library every wellbeing hub service stands on (never deployed alone)."""
