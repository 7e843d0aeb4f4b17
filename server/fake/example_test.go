package fake_test

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"

	"kctl.dev/kctl/server/fake"
)

func Example() {
	srv, err := fake.New() // in a test: srv := fake.Start(t)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.Get(srv.URL + "/api/v1/namespaces/default")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var ns struct {
		Metadata struct{ Name string }
		Status   struct{ Phase string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&ns); err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Status, ns.Metadata.Name, ns.Status.Phase)
	// Output: 200 OK default Active
}
