# ミナトクラウド エンジニアブログ
#   make html   build the production site into _build/html (creates .venv when needed)
#   make test   run every test
# `make help` lists the rest.

PYTHON      ?= python3
VENV        ?= .venv
BIN          = $(VENV)/bin
SPHINXOPTS  ?=
BUILDDIR    ?= _build
PORT        ?= 8000
# Tests run on every core (pytest-xdist); each worker builds the sample site once.
PYTEST_ARGS ?= -n auto
N           ?= 1000

.DEFAULT_GOAL := help
.PHONY: help html html-clean test bench bench-search bench-proofread livehtml clean new-post import linkcards lint proofread venv

help: ## この一覧を表示する
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# The virtualenv is rebuilt when it is missing or a requirements file is newer than it.
# Only what the lock files pin is installed: every package, transitive ones and pip itself,
# at its pinned version and checked against its hashes (--no-deps: nothing else is looked
# up; `pip check` fails when a lock misses a dependency). The test lock holds the site's
# packages too, and `-c requirements.txt` fails when it pins one at another version than the
# site lock. Versions are changed in requirements*.in (docs/tech/upgrading.md).
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.site-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.txt
	$(BIN)/python -m pip check --quiet
	@touch $@

$(VENV)/.test-installed: requirements-test.txt requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-test.txt -c requirements.txt
	$(BIN)/python -m pip check --quiet
	@touch $@ $(VENV)/.site-installed

# Mermaid's browser bundle, pinned with its integrity in techblog/writing/diagrams/renderers.py,
# fetched with npm into the virtualenv: diagrams are drawn at build time, never in the reader's browser.
$(VENV)/.renderers-installed: techblog/writing/diagrams/renderers.py | $(VENV)/.site-installed
	$(BIN)/python -m techblog.writing.diagrams.renderers install
	@touch $@

venv: $(VENV)/.site-installed $(VENV)/.renderers-installed

# Incremental: only changed posts are read again, and techblog/incremental.py and
# techblog/staleness.py write every page a changed post, page or data file shows up in
# (and delete what a removed post left), so the output equals a build into an empty
# folder (tests/test_incremental.py).  CI and Read the Docs start from an empty folder.
# Serial on purpose: on 2 cores `-j auto` measured slower (docs/tech/build-performance.md);
# `make html SPHINXOPTS="-j auto"` still reads in parallel (tests check it is equal).
html: $(VENV)/.site-installed $(VENV)/.renderers-installed ## サイトを _build/html にビルドする（変わった記事とそれを表示するページだけ。警告はエラー）
	$(BIN)/sphinx-build -W --keep-going -b html -d $(BUILDDIR)/doctrees . $(BUILDDIR)/html $(SPHINXOPTS)

html-clean: $(VENV)/.site-installed ## 空のフォルダからすべてビルドし直す（make clean してから make html と同じ）
	rm -rf $(BUILDDIR)/html $(BUILDDIR)/doctrees
	$(MAKE) html

test: $(VENV)/.test-installed $(VENV)/.renderers-installed ## すべてのテストを実行する
	$(BIN)/python -m pytest $(PYTEST_ARGS)

livehtml: $(VENV)/.test-installed $(VENV)/.renderers-installed ## 下書き・公開予定も表示するライブプレビュー（http://127.0.0.1:$(PORT)）
	$(BIN)/sphinx-autobuild . $(BUILDDIR)/preview -D techblog_preview=1 --port $(PORT) \
	  --watch data --ignore "$(BUILDDIR)/*" --ignore "$(VENV)/*" $(SPHINXOPTS)

new-post: $(VENV)/.site-installed ## 新しい記事を作る（例: make new-post SLUG=nginx-tuning TITLE="..." AUTHOR=tanaka CATEGORY=tech TAGS="nginx,監視"）
	$(BIN)/python -m techblog.content.newpost --slug "$(SLUG)" --title "$(TITLE)" --author "$(AUTHOR)" \
	  --category "$(CATEGORY)" --tags "$(TAGS)"

# A command, not part of the build: it writes posts/, data/*.yml and data/imported.yml, and its report.
import: $(VENV)/.site-installed ## WordPress・はてなブログのエクスポートを取り込む（例: make import SOURCE=export.xml MEDIA=uploads MAP=map.yml、変わった記事を書き直すなら UPDATE=1）
	$(BIN)/python -m techblog.content.importing "$(SOURCE)" $(if $(MEDIA),--media "$(MEDIA)") $(if $(MAP),--map "$(MAP)") \
	  $(if $(UPDATE),--update) $(if $(CATEGORY),--category "$(CATEGORY)") $(if $(OLD_URL),--old-url "$(OLD_URL)")

# The only target that uses the network: the build reads the cards from data/linkcards.yml.
linkcards: $(VENV)/.site-installed ## リンクカードの URL のページを取得し data/linkcards.yml と画像を更新する（取り直すなら REFRESH=1、取得せず漏れを確かめるなら CHECK=1）
	$(BIN)/python -m techblog.writing.linkcards $(if $(REFRESH),--refresh) $(if $(CHECK),--check)

bench: $(VENV)/.test-installed $(VENV)/.renderers-installed ## 記事 N 本（既定 1000）でビルド時間・メモリ・ページの重さを測り、素の構成と比べる（例: make bench N=200）
	$(BIN)/python tools/bench.py --posts $(N) $(BENCHOPTS)

bench-search: $(VENV)/.test-installed ## 記事 N 本（既定 1000）で検索を計測し、標準の Sphinx 検索と比べる（数分かかります）
	$(BIN)/python tools/bench_search.py --posts $(N)

# Proofreading is for writers and pull requests; Read the Docs never runs it.
# FILES=... checks those files only; CHANGED_FROM=origin/main only the lines changed since that branch;
# FORMAT=github writes GitHub annotations (rdjsonl: reviewdog's format).
proofread: $(VENV)/.test-installed ## 記事とドキュメントの文章を校正する（FILES=ファイル、CHANGED_FROM=origin/main で変更行だけ、FORMAT=github）
	$(BIN)/python -m techblog.content.proofread $(FILES) $(if $(CHANGED_FROM),--changed-from $(CHANGED_FROM)) $(if $(FORMAT),--format $(FORMAT))

bench-proofread: $(VENV)/.test-installed ## 記事 N 本（既定 1000）とサンプルで make proofread の時間を測る
	$(BIN)/python tools/bench_proofread.py --posts $(N)

lint: $(VENV)/.test-installed ## Python のコードを ruff で検査する
	$(BIN)/ruff check techblog tests tools conf.py

clean: ## ビルド結果を消す（.venv は残す）
	rm -rf $(BUILDDIR)
