"""The supervisors' dashboard and the public scoreboard."""
