"""Events of the assessment service: rapid assessment, measures, risk and outcome."""
