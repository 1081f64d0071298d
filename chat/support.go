package main

import (
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// instructions are the support agent's system message.
const instructions = `You are the support assistant of an online shop. Look orders up with the tools and quote what they return. ` +
	`The conversation may go on from an earlier one: use what the customer said before. Answer briefly.`

type orderInput struct {
	OrderID string `json:"order_id" description:"the order number, such as 1042"`
}

// orders is the shop: a few orders, each with what lookup_order says.
var orders = map[string]string{
	"1042": "Order 1042: one desk lamp, $49.00, paid; shipped on 3 March with UPS, tracking 1Z999AA10123456784; expected on 7 March.",
	"1043": "Order 1043: two notebooks, $12.00, paid; shipped on 4 March with DHL, tracking JD014600006281230; expected on 8 March.",
	"1044": "Order 1044: one office chair, $189.00, paid; not shipped yet: waiting for stock, expected to ship on 10 March.",
}

// orderID is what a customer typed as an order number, trimmed, without
// "#" and at most 20 bytes (it is repeated in results).
func orderID(raw string) string {
	id := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(raw), "#"))
	if len(id) > 20 {
		id = id[:20]
	}
	return strings.ToValidUTF8(id, "")
}

// lookupOrderTool says what an order is and where it stands: a short
// result. An unknown order is an error the model reads.
func lookupOrderTool() aigentic.AgentTool {
	return aigentic.NewTool("lookup_order", "Look an order up by its number: what was bought, the payment, the shipping status and the expected delivery.",
		func(_ *aigentic.AgentRun, in orderInput) (string, error) {
			if o, ok := orders[orderID(in.OrderID)]; ok {
				return o, nil
			}
			return "", aigentic.Recoverable(fmt.Errorf("no order %q: the customer's orders are 1042, 1043 and 1044", orderID(in.OrderID)))
		})
}

// trackingLogTool returns the carrier's whole tracking log of an order: a
// large result (about 1,000 tokens), as the raw output of a real API is.
// The carrier answers for any reference, so the result is large whatever
// the model passes; its last line says who signed for the parcel.
func trackingLogTool() aigentic.AgentTool {
	return aigentic.NewTool("tracking_log", "Fetch the carrier's full tracking log of an order: every scan from pickup to delivery, oldest first. Long.",
		func(_ *aigentic.AgentRun, in orderInput) (string, error) {
			return trackingLog(orderID(in.OrderID)), nil
		})
}

// hubs are the places a parcel passes through.
var hubs = []string{"Leipzig hub", "Erfurt depot", "Kassel hub", "Dortmund depot", "Cologne hub", "Bonn depot"}

// signers are who signs for a parcel.
var signers = []string{"M. Ruiz", "A. Okafor", "J. Lindqvist", "P. Novak", "S. Haddad"}

// trackingLog is the log of order id: 24 scans and the delivery, made
// from the id so that each order has its own and the same order always
// the same.
func trackingLog(id string) string {
	if id == "" {
		id = "unknown"
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	seed := int(h.Sum32() % 1000)
	var b strings.Builder
	fmt.Fprintf(&b, "Carrier tracking log for order %s (24 scans, oldest first):\n", id)
	for i := range 24 {
		hub := hubs[(seed+i)%len(hubs)]
		fmt.Fprintf(&b, "%02d. 2026-03-%02d %02d:%02d %s: parcel scanned, weight 2.%d kg, seal intact, next stop %s.\n",
			i+1, 3+i/6, 6+(i*7)%12, (seed+i*13)%60, hub, (seed+i)%10, hubs[(seed+i+1)%len(hubs)])
	}
	fmt.Fprintf(&b, "Delivered on 2026-03-07 at 14:%02d; signed for by %s.", seed%60, signerOf(id))
	return b.String()
}

// signerOf is who signed for order id's parcel: the fact only the end of
// its tracking log holds.
func signerOf(id string) string {
	if id == "" {
		id = "unknown"
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	return signers[int(h.Sum32()%1000)%len(signers)]
}
