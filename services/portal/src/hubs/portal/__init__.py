"""The wellbeing hubs portal: the web front end for people."""
