module weft.example/gocorpus

go 1.23
