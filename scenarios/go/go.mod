module weft.example/gocorpus

go 1.23

require golang.org/x/sync v0.7.0

// errgroup for building the corpus offline: ../go-deps/README.md.
replace golang.org/x/sync => ../go-deps/golang.org/x/sync
