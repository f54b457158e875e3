module weft.example/gocorpus/go122

go 1.22
