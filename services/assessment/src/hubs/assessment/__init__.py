"""Assessment service: rapid assessment with standard measures, risk and an outcome decision."""
