package store_test

import (
	"net"
	"testing"

	"liaison/store"
)

func TestForbiddenAddress(t *testing.T) {
	for addr, forbidden := range map[string]bool{
		"127.0.0.1": true, "10.1.2.3": true, "172.16.0.1": true, "192.168.1.1": true, "169.254.169.254": true,
		"100.64.0.1": true, "198.18.0.1": true, "192.0.0.8": true, "0.0.0.0": true, "255.255.255.255": true, "224.0.0.1": true,
		"::1": true, "::": true, "fe80::1": true, "fc00::1": true, "ff02::1": true,
		"::ffff:127.0.0.1": true, "::127.0.0.1": true, "64:ff9b::7f00:1": true, "2002:7f00:1::": true, "2002:a00:1::": true,
		"8.8.8.8": false, "192.0.2.1": false, "2001:4860:4860::8888": false, "64:ff9b::808:808": false, "2002:808:808::": false,
	} {
		if got := store.ForbiddenAddress(net.ParseIP(addr)); got != forbidden {
			t.Errorf("ForbiddenAddress(%s) = %v, want %v", addr, got, forbidden)
		}
	}
}
