"""The Automations page (flows, steps, rules, results, dry run, Run now) and the app's automation
hooks (a pass every 5 minutes and after each import, on the job runner's network pool)."""
