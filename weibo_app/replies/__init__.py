"""常用回复: reply templates staff insert into the answer box and edit before sending."""
