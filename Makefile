# The two commands of the README, and a few conveniences around them.
.PHONY: run test lint bench load lock compose-check

run:            ## set everything up and serve the app with demo data (SQLite, in-process tasks)
	scripts/run.sh

test:           ## set up what the tests need and run lint and the whole test suite
	scripts/test.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

bench:          ## every benchmark, a table of results and bench/results/latest.json (bench/README.md)
	scripts/bootstrap.sh --test && scripts/services.sh && .venv/bin/python bench/run.py

load:           ## only the load test: 50 focal points and 5 reviewers against gunicorn for 60 s
	scripts/bootstrap.sh --test && scripts/services.sh && .venv/bin/python bench/run.py --only load

messages:       ## refresh the translation catalogues (locale/*/LC_MESSAGES/django.po) from the sources
	DATABASE_URL=sqlite:// .venv/bin/python manage.py makemessages -l ar -l zh_Hans -l fr -l ru -l es \
	  --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench --no-obsolete
	# A guessed ("fuzzy") translation is worse than none: empty them for the translators.
	for po in locale/*/LC_MESSAGES/django.po; do msgattrib --clear-fuzzy --empty --clear-previous -o $$po $$po; done

lock:           ## re-pin every package after changing requirements*.txt
	.venv/bin/python -m pip install -q -r requirements-dev.txt
	(echo "# Every package of the runtime and test set, pinned. Regenerate with: make lock"; \
	 .venv/bin/pip freeze --exclude-editable | grep -v '^pip==') > constraints.txt
