# The README's commands. `make demo` runs the main job, `make test` runs the tests; both install the
# Debian packages they need first (as root, or they print what to install).
SWIFT ?= swift
RELEASE_BIN = .build/release/shears

.PHONY: demo test build release bench system-packages system-packages-with-data clean

# Run again, `make demo` replaces its own earlier comparison in runs/compare (on purpose, hence --overwrite) and
# reuses the dense weights cached there; `shears compare` says so in its first lines.
demo: system-packages-with-data release
	$(RELEASE_BIN) compare --overwrite

test: system-packages
	$(SWIFT) test

build: system-packages
	$(SWIFT) build

release: system-packages
	$(SWIFT) build -c release --product shears

bench: system-packages
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

system-packages:
	@Scripts/install-system-packages.sh

system-packages-with-data:
	@Scripts/install-system-packages.sh --with-data

clean:
	rm -rf .build
