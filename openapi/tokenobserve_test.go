package openapi

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/weftflow/weft/internal/oauthfake"
)

// The token observer sees each fetch once (not a cached token), with the
// request as sent and the secrets it and its response carry, for both
// client-authentication forms; a 4xx is reported with its error.
func TestTokenObserver(t *testing.T) {
	const secret = "s3cret&Value x"
	for _, inBody := range []bool{false, true} {
		srv := oauthfake.New(t)
		srv.ExpiresIn = "3600"
		srv.Value = func(int, []string) string { return "AT-1" }
		srv.Extra = map[string]any{"refresh_token": "RT-1", "id_token": "ID-1"}
		a := &Authorizer{ClientAuthInBody: inBody}
		sc := &SecurityScheme{Name: "cc", Type: "oauth2", TokenURL: srv.URL + "/token"}
		c := Credential{ClientID: "cid", ClientSecret: secret}
		var seen []TokenExchange
		ctx := WithTokenObserver(context.Background(), func(x TokenExchange) { seen = append(seen, x) })
		for range 2 {
			if _, err := a.clientCredentialsToken(ctx, call{source: "s"}, sc, c, nil); err != nil {
				t.Fatal(err)
			}
		}
		if len(seen) != 1 {
			t.Fatalf("inBody=%v: %d exchanges, want 1 (then the cache)", inBody, len(seen))
		}
		x := seen[0]
		if x.Method != "POST" || x.URL != srv.URL+"/token" || x.StatusCode != 200 || x.Err != nil || x.Duration <= 0 || !strings.Contains(string(x.ResponseBody), "AT-1") {
			t.Errorf("inBody=%v: exchange %+v", inBody, x)
		}
		for _, s := range []string{secret, url.QueryEscape(secret), "AT-1", "RT-1", "ID-1"} {
			if !slices.Contains(x.Secrets, s) {
				t.Errorf("inBody=%v: Secrets %q lack %q", inBody, x.Secrets, s)
			}
		}
		if inBody != strings.Contains(string(x.Body), "client_secret=") || inBody == (x.Header.Get("Authorization") != "") {
			t.Errorf("inBody=%v: body %q, header %v", inBody, x.Body, x.Header)
		}
		a.Invalidate("s")
		srv.Fail(400, `{"error":"invalid_client"}`)
		_, err := a.clientCredentialsToken(ctx, call{source: "s"}, sc, c, nil)
		if err == nil || len(seen) != 2 || seen[1].StatusCode != 400 || seen[1].Err == nil || seen[1].Err.Error() != err.Error() {
			t.Errorf("inBody=%v: failed fetch %v, seen %+v", inBody, err, seen)
		}
		srv.Close()
	}
}
