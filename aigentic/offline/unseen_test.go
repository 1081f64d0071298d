package offline

import (
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Tools written only for these tests: shapes none of the examples use.

func s(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }

func with(p map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range p {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

var (
	stockTool    = tool("check_stock", "Look up stock for a product", map[string]any{"sku": s("the product SKU, like ABC-123")}, "sku")
	stockPatTool = tool("check_stock", "Look up stock for a product",
		map[string]any{"sku": with(s("the product SKU, like ABC-123"), "pattern", "^[A-Z]{3}-[0-9]{3}$")}, "sku")
	invoiceTool = tool("get_invoice", "Show an invoice.", map[string]any{"invoice_id": s("Invoice number, like #1042")}, "invoice_id")
	refundTool  = tool("refund_order", "Refund part of an order.", map[string]any{
		"order_ref": with(s("The order reference."), "pattern", "^ord_[0-9a-f]{4}$"),
		"amount":    map[string]any{"type": "number", "minimum": 0.01, "maximum": 1000},
	}, "order_ref", "amount")
	thermoTool = tool("set_thermostat", "Set the thermostat's mode and target temperature.", map[string]any{
		"mode":     map[string]any{"type": "string", "enum": []any{"heat", "cool", "fan_only"}},
		"target_c": map[string]any{"type": "integer", "minimum": 10, "maximum": 30, "description": "Target in degrees Celsius."},
	}, "mode", "target_c")
	meetingTool = tool("book_meeting", "Book a meeting in the calendar.", map[string]any{
		"date":     with(s("Day of the meeting."), "format", "date"),
		"attendee": with(s("Who to invite."), "format", "email"),
	}, "date", "attendee")
	jobTool  = tool("schedule_job", "Schedule a maintenance job.", map[string]any{"job": s("Job name."), "run_at": with(s("When to run."), "format", "date-time")}, "run_at")
	pageTool = tool("fetch_page", "Download a web page.", map[string]any{"url": with(s("Address of the page."), "format", "uri")}, "url")
	subTool  = tool("cancel_subscription", "Cancel a subscription.", map[string]any{"subscription_id": with(s("The subscription."), "format", "uuid")}, "subscription_id")
	carTool  = tool("rent_car", "Rent a car.", map[string]any{
		"days": map[string]any{"type": "integer", "minimum": 1, "maximum": 30},
		"city": s("City to pick the car up in."),
	}, "city", "days")
	drinkTool = tool("pour_drink", "Pour a drink from the machine.", map[string]any{
		"volume_ml": map[string]any{"type": "number", "description": "Volume in ml."},
		"drink":     map[string]any{"type": "string", "enum": []any{"espresso", "latte", "water"}},
	}, "drink", "volume_ml")
	labelTool = tool("create_label", "Create a label for issues.", map[string]any{
		"title": s("Label text."),
		"color": map[string]any{"type": "string", "enum": []any{"red", "green", "blue"}},
	}, "title")
	exportTool = tool("export_report", "Export the monthly report.", map[string]any{
		"format":           map[string]any{"type": "string", "enum": []any{"csv", "pdf"}},
		"include_archived": map[string]any{"type": "boolean"},
	}, "format")
	tagTool = tool("tag_ticket", "Add tags to a support ticket.", map[string]any{
		"ticket_id": s("Ticket number like T-100."),
		"tags":      map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": []any{"billing", "bug", "urgent", "feature"}}, "minItems": 1},
	}, "ticket_id", "tags")
	citiesTool = tool("compare_forecasts", "Compare the weather forecasts of several cities.", map[string]any{
		"cities": map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "minItems": 2},
	}, "cities")
	avgTool = tool("average", "Compute the mean of numbers.", map[string]any{
		"values": map[string]any{"type": "array", "items": map[string]any{"type": "number"}, "minItems": 2},
	}, "values")
	parcelTool = tool("ship_parcel", "Ship a parcel.", map[string]any{
		"to": map[string]any{"type": "object", "properties": map[string]any{
			"name":     s("Recipient's full name."),
			"postcode": with(s("Postal code."), "pattern", "^[0-9]{5}$"),
		}, "required": []any{"name", "postcode"}, "additionalProperties": false},
		"weight_kg": map[string]any{"type": "number", "exclusiveMinimum": 0},
	}, "to", "weight_kg")
	flightTool = tool("flight_status", "Get a flight's status.", map[string]any{"flight": with(s("Flight code."), "examples", []any{"BA117", "LH400"})}, "flight")
	fxTool     = tool("convert_currency", "Convert money between currencies.", map[string]any{
		"amount": map[string]any{"type": "number"},
		"from":   map[string]any{"type": "string", "enum": []any{"USD", "EUR", "GBP"}},
		"to":     map[string]any{"type": "string", "enum": []any{"USD", "EUR", "GBP"}},
	}, "amount", "from", "to")
	orderNoTool = tool("track_order", "Track a customer order.", map[string]any{"order_no": s("The order number.")}, "order_no")
	inviteTool  = tool("send_invite", "Send an invitation.", map[string]any{"address": s("Where to send it, e.g. ann@example.org."), "note": s("A note.")}, "address", "note")
	binTool     = tool("check_bin", "Look up stock in a warehouse bin.", map[string]any{
		"sku": s("The SKU, like ABC-123."), "bin": with(s("The bin."), "pattern", "^W[0-9]$"),
	}, "sku", "bin")
	parcelIDTool = tool("track_parcel", "Track a parcel.", map[string]any{"tracking_number": s("The carrier's tracking number.")}, "tracking_number")
	shortTool    = tool("post_status", "Post a status message.", map[string]any{"message": with(s("The message."), "maxLength", 20)}, "message")
	oneTool      = ai.Tool{Name: "flag_item", Description: "Flag a stock item.", InputSchema: map[string]any{"type": "object", "maxProperties": 1,
		"properties": map[string]any{"sku": s("The SKU, like ABC-123."), "note": s("A note.")}, "required": []any{"sku"}}}
	noteTool = tool("add_note", "Add a note to a customer's file.", map[string]any{
		"customer": s("Customer account, like acct-2291."),
		"text":     s("The note."),
	}, "customer", "text")
)

// Units; competing tools.
var (
	numProp     = func(desc string) map[string]any { return map[string]any{"type": "number", "description": desc} }
	intProp     = func(desc string) map[string]any { return map[string]any{"type": "integer", "description": desc} }
	freightTool = tool("quote_freight", "Quote the freight of a crate.", map[string]any{"mass_kg": numProp("Gross mass."), "length_cm": numProp("Longest side.")}, "mass_kg", "length_cm")
	timerTool   = tool("set_timer", "Start a kitchen timer.", map[string]any{"duration_s": intProp("")}, "duration_s")
	flourTool   = tool("weigh_flour", "Weigh out flour.", map[string]any{"amount_g": intProp("")}, "amount_g")
	runTool     = tool("log_run", "Log a training run.", map[string]any{"distance_km": numProp("")}, "distance_km")
	retryTool   = tool("retry_job", "Retry a failed job later.", map[string]any{"job": s("Job ID."), "delay": numProp("Delay in seconds.")}, "job", "delay")

	unitsTool    = tool("check_units", "How many units of a product are in stock.", map[string]any{"sku": s("The product SKU.")}, "sku")
	shipmentTool = tool("track_shipment", "Where a shipment is now.", map[string]any{"tracking_id": s("The carrier's tracking ID.")}, "tracking_id")
	moneyTool    = tool("refund_order", "Refund an order.", map[string]any{"order_id": s("The order ID."), "reason": s("Why the customer wants the money back.")}, "order_id")
)

// Cues, combined durations, counts beside units, phrases.
var (
	trainTool     = tool("book_train", "Book a train ticket.", map[string]any{"origin": s("Departure station."), "destination": s("Arrival station.")}, "origin", "destination")
	coachTool     = tool("book_coach", "Book a coach seat.", map[string]any{"from": s("Where it leaves."), "to": s("Where it arrives.")}, "from", "to")
	countdownTool = tool("start_countdown", "Start a countdown.", map[string]any{"minutes": numProp("")}, "minutes")
	crateTool     = tool("ship_parcels", "Ship parcels.", map[string]any{"weight_kg": numProp("Weight of each parcel."), "count": intProp("How many parcels.")}, "weight_kg", "count")
	wikiTool      = tool("search_wiki", "Search the team wiki.", map[string]any{"query": s("Words to look for.")}, "query")
	issueTool     = tool("open_issue", "Open an issue in the tracker.", map[string]any{
		"title": s("Short summary."), "order_no": s("Order number, if any."), "priority": map[string]any{"type": "string", "enum": []any{"low", "high"}}}, "title")
	recipeTool = tool("find_recipes", "Find recipes.", map[string]any{
		"cuisine": map[string]any{"type": "string", "enum": []any{"italian", "thai"}}, "query": s("Dish or ingredient.")}, "cuisine")
)

// Destructive tools, and a read-only one chosen by its nouns.
var (
	deleteUserTool = tool("delete_user", "Delete a user account.", map[string]any{"email": with(s("The user's address."), "format", "email")}, "email")
	refundIDTool   = tool("refund_order", "Refund an order.", map[string]any{"order_id": s("The order ID, like #1042."), "amount": numProp("Amount to refund.")}, "order_id", "amount")
	forecastTool   = tool("get_weather", "Weather forecast for a city.", map[string]any{"city": s("City name.")}, "city")
	findOrderTool  = tool("find_order", "Find an order.", map[string]any{"order_id": s("The order ID.")}, "order_id")
)

// call is an expected tool call: its name and exact arguments.
type wantCall struct{ name, args string }

func TestUnseenTools(t *testing.T) {
	cases := []struct {
		name  string
		tools []ai.Tool
		msg   string
		calls []wantCall // the exact calls, in order
		ask   []string   // no call: the answer asks, containing these
	}{
		{"id shape from the description (newcomer)", []ai.Tool{stockTool}, "How many units of ABC-123 are in stock?",
			[]wantCall{{"check_stock", `{"sku":"ABC-123"}`}}, nil},
		{"pattern", []ai.Tool{stockPatTool}, "How many units of ABC-123 are in stock?",
			[]wantCall{{"check_stock", `{"sku":"ABC-123"}`}}, nil},
		{"missing required asks (newcomer)", []ai.Tool{stockTool}, "How many units are in stock?",
			nil, []string{"check_stock", "sku", "the product SKU, like ABC-123"}},
		{"missing required asks, pattern", []ai.Tool{stockPatTool}, "How many units of abc-12 are in stock?",
			nil, []string{"sku", "^[A-Z]{3}-[0-9]{3}$"}},
		{"#1042 shaped like the description's example", []ai.Tool{invoiceTool}, "Show me invoice #1042, please.",
			[]wantCall{{"get_invoice", `{"invoice_id":"#1042"}`}}, nil},
		{"pattern ord_7f3a and a number in bounds", []ai.Tool{refundTool}, "Refund 25.50 on ord_7f3a.",
			[]wantCall{{"refund_order", `{"amount":25.5,"order_ref":"ord_7f3a"}`}}, nil},
		{"enum with _ read as a space, integer next to its unit", []ai.Tool{thermoTool}, "Switch the thermostat to fan only at 21 degrees.",
			[]wantCall{{"set_thermostat", `{"mode":"fan_only","target_c":21}`}}, nil},
		{"number out of bounds asks", []ai.Tool{thermoTool}, "Set the thermostat to cool at 45 degrees.",
			nil, []string{"target_c", "minimum 10; maximum 30"}},
		{"formats date and email", []ai.Tool{meetingTool}, "Book a meeting on 2026-04-02 with dana@corp.example.",
			[]wantCall{{"book_meeting", `{"attendee":"dana@corp.example","date":"2026-04-02"}`}}, nil},
		{"a date not in the schema's format asks", []ai.Tool{meetingTool}, "Book a meeting with dana@corp.example on 2 April.",
			nil, []string{"the date", "format date"}},
		{"missing date asks", []ai.Tool{meetingTool}, "Book a meeting with dana@corp.example.",
			nil, []string{"the date", "format date"}},
		{"date-time", []ai.Tool{jobTool}, "Schedule the backup job at 2026-05-01T02:30:00Z.",
			[]wantCall{{"schedule_job", `{"run_at":"2026-05-01T02:30:00Z"}`}}, nil},
		{"uri", []ai.Tool{pageTool}, "Download the page https://example.org/docs?page=2 for me.",
			[]wantCall{{"fetch_page", `{"url":"https://example.org/docs?page=2"}`}}, nil},
		{"uuid", []ai.Tool{subTool}, "Cancel subscription 3f2b8c1e-9d4a-4e7b-8f21-0a1b2c3d4e5f today.",
			[]wantCall{{"cancel_subscription", `{"subscription_id":"3f2b8c1e-9d4a-4e7b-8f21-0a1b2c3d4e5f"}`}}, nil},
		{"integer with a unit, a name", []ai.Tool{carTool}, "Rent a car in Lisbon for 3 days.",
			[]wantCall{{"rent_car", `{"city":"Lisbon","days":3}`}}, nil},
		{"250 ml", []ai.Tool{drinkTool}, "Pour 250 ml of water.",
			[]wantCall{{"pour_drink", `{"drink":"water","volume_ml":250}`}}, nil},
		{"quoted text after the property's name", []ai.Tool{labelTool}, `Create a label titled "Needs review" in red.`,
			[]wantCall{{"create_label", `{"color":"red","title":"Needs review"}`}}, nil},
		{"boolean mentioned", []ai.Tool{exportTool}, "Export the report as CSV, including archived rows.",
			[]wantCall{{"export_report", `{"format":"csv","include_archived":true}`}}, nil},
		{"boolean negated", []ai.Tool{exportTool}, "Export the report as PDF without archived rows.",
			[]wantCall{{"export_report", `{"format":"pdf","include_archived":false}`}}, nil},
		{"array of names joined by and", []ai.Tool{citiesTool}, "Compare the forecasts for Paris and Lisbon.",
			[]wantCall{{"compare_forecasts", `{"cities":["Paris","Lisbon"]}`}}, nil},
		{"array of names, too few asks", []ai.Tool{citiesTool}, "Compare the forecasts for Paris.",
			nil, []string{"compare_forecasts", "the cities"}},
		{"array of enum values", []ai.Tool{tagTool}, "Tag ticket T-481 as urgent and billing.",
			[]wantCall{{"tag_ticket", `{"tags":["urgent","billing"],"ticket_id":"T-481"}`}}, nil},
		{"array of numbers", []ai.Tool{avgTool}, "What is the average of 3, 5.5 and 10?",
			[]wantCall{{"average", `{"values":[3,5.5,10]}`}}, nil},
		{"nested object", []ai.Tool{parcelTool}, "Ship a 2.5 kg parcel to Maria Lopez, postcode 28013.",
			[]wantCall{{"ship_parcel", `{"to":{"name":"Maria Lopez","postcode":"28013"},"weight_kg":2.5}`}}, nil},
		{"examples keyword", []ai.Tool{flightTool}, "Is flight UA930 on time?",
			[]wantCall{{"flight_status", `{"flight":"UA930"}`}}, nil},
		{"two questions, two tools in one turn", []ai.Tool{fxTool, stockTool}, "How many units of XYZ-900 are in stock? Also convert 20 USD to EUR.",
			[]wantCall{{"check_stock", `{"sku":"XYZ-900"}`}, {"convert_currency", `{"amount":20,"from":"USD","to":"EUR"}`}}, nil},
		{"one call per value", []ai.Tool{stockTool}, "Check stock for ABC-123 and XYZ-900.",
			[]wantCall{{"check_stock", `{"sku":"ABC-123"}`}, {"check_stock", `{"sku":"XYZ-900"}`}}, nil},
		{"a number after the property's word is an ID", []ai.Tool{orderNoTool}, "Where is order 1043?",
			[]wantCall{{"track_order", `{"order_no":"1043"}`}}, nil},
		{"a format from the description's example", []ai.Tool{inviteTool}, `Send an invite with the note "Welcome aboard" to bob@corp.example.`,
			[]wantCall{{"send_invite", `{"address":"bob@corp.example","note":"Welcome aboard"}`}}, nil},
		{"free text and an id-like account", []ai.Tool{noteTool}, "Add a note to acct-2291: called about the late refund",
			[]wantCall{{"add_note", `{"customer":"acct-2291","text":"Add a note to acct-2291: called about the late refund"}`}}, nil},
		{"the best of several tools", []ai.Tool{stockTool, thermoTool, carTool, pageTool}, "Rent a car in Porto for 2 days.",
			[]wantCall{{"rent_car", `{"city":"Porto","days":2}`}}, nil},
		{"the number next to its unit, not the first", []ai.Tool{carTool}, "Rent 2 cars in Porto for 5 days.",
			[]wantCall{{"rent_car", `{"city":"Porto","days":5}`}}, nil},
		{"a unit glued to its number", []ai.Tool{drinkTool}, "Pour 2 glasses: 300ml of water.",
			[]wantCall{{"pour_drink", `{"drink":"water","volume_ml":300}`}}, nil},
		{"two properties with several values: one call", []ai.Tool{binTool}, "Check bins W1 and W2 for ABC-123 and XYZ-900.",
			[]wantCall{{"check_bin", `{"bin":"W1","sku":"ABC-123"}`}}, nil},
		{"an ID-like word for an ID property without hints", []ai.Tool{parcelIDTool}, "Where is parcel 1Z999AA10123456784 now?",
			[]wantCall{{"track_parcel", `{"tracking_number":"1Z999AA10123456784"}`}}, nil},
		{"free text after its cue, clipped to maxLength", []ai.Tool{shortTool}, "Post a status message: deploy finished without errors",
			[]wantCall{{"post_status", `{"message":"deploy finished with"}`}}, nil},
		{"an optional value the whole schema refuses is left out", []ai.Tool{oneTool}, `Flag ABC-123 with the note "recount".`,
			[]wantCall{{"flag_item", `{"sku":"ABC-123"}`}}, nil},
		{"no tool fits", []ai.Tool{stockTool, thermoTool, carTool}, "Write me a haiku about autumn leaves.",
			nil, []string{"built-in offline model", "none of the 3 tools I was given fits"}},
		{"the one tool does not fit", []ai.Tool{stockTool}, "Write me a haiku about autumn leaves.",
			nil, []string{"and the one tool I was given (check_stock) does not fit this request"}},
		{"no tools", nil, "Write me a haiku about autumn leaves.", nil, []string{"and I was given no tools for this request"}},
		{"units converted to the ones the names give (lb to kg, ft to cm)", []ai.Tool{freightTool}, "Quote a 12 lb crate, 3 ft long.",
			[]wantCall{{"quote_freight", `{"length_cm":91.4,"mass_kg":5.44}`}}, nil},
		{"lb to kg in a nested schema", []ai.Tool{parcelTool}, "Ship a 2 lb parcel to Maria Lopez, postcode 28013.",
			[]wantCall{{"ship_parcel", `{"to":{"name":"Maria Lopez","postcode":"28013"},"weight_kg":0.907}`}}, nil},
		{"a whole conversion fills an integer", []ai.Tool{timerTool}, "Set a timer for 1.5 hours.",
			[]wantCall{{"set_timer", `{"duration_s":5400}`}}, nil},
		{"a conversion that is not whole does not fill an integer: it asks", []ai.Tool{flourTool}, "Weigh out 2 lb of flour.",
			nil, []string{"weigh_flour", "the amount_g"}},
		{"a number of another dimension does not fill it: it asks", []ai.Tool{runTool}, "Log a 30 min run.",
			nil, []string{"log_run", "the distance_km"}},
		{"the unit the description names", []ai.Tool{retryTool}, "Retry job J-77 in 2 minutes.",
			[]wantCall{{"retry_job", `{"delay":120,"job":"J-77"}`}}, nil},
		{"a synonym of the tool's words chooses it, not the ID any tool takes", []ai.Tool{moneyTool, unitsTool}, "How many of abc-123 are left?",
			[]wantCall{{"check_units", `{"sku":"abc-123"}`}}, nil},
		{"three competing tools, a synonym of one's description", []ai.Tool{shipmentTool, moneyTool, unitsTool}, "Is QX-4410 still available?",
			[]wantCall{{"check_units", `{"sku":"QX-4410"}`}}, nil},
		{"an ID alone chooses no tool", []ai.Tool{moneyTool, unitsTool}, "What about abc-123?",
			nil, []string{"none of the 2 tools I was given fits"}},
		{"an ID with a dash is not its digits", []ai.Tool{orderNoTool}, "Track order ord-881.",
			[]wantCall{{"track_order", `{"order_no":"ord-881"}`}}, nil},
		{"an optional free text without a cue is left out", []ai.Tool{moneyTool, unitsTool}, "Please refund ord-881, thanks.",
			[]wantCall{{"refund_order", `{"order_id":"ord-881"}`}}, nil},
		{"because … gives the reason", []ai.Tool{moneyTool, unitsTool}, "Refund ord-881 because the lid was cracked.",
			[]wantCall{{"refund_order", `{"order_id":"ord-881","reason":"the lid was cracked"}`}}, nil},
		{"a cue naming the property: reason: …", []ai.Tool{unitsTool, moneyTool}, "Refund order ord-881, reason: wrong size",
			[]wantCall{{"refund_order", `{"order_id":"ord-881","reason":"wrong size"}`}}, nil},
		{"cue words bind whatever their order", []ai.Tool{trainTool}, "Book a train to Berlin from Lisbon",
			[]wantCall{{"book_train", `{"destination":"Berlin","origin":"Lisbon"}`}}, nil},
		{"a value after another property's cue is not taken: it asks", []ai.Tool{trainTool}, "Book a train to Berlin.",
			nil, []string{"book_train", "the origin"}},
		{"an enum value after the other property's cue is not taken", []ai.Tool{fxTool}, "Convert 20 to EUR from USD.",
			[]wantCall{{"convert_currency", `{"amount":20,"from":"USD","to":"EUR"}`}}, nil},
		{"two units of one dimension make one duration", []ai.Tool{timerTool}, "Set a timer for 2 hours 30 minutes",
			[]wantCall{{"set_timer", `{"duration_s":9000}`}}, nil},
		{"two units joined by and make one duration", []ai.Tool{countdownTool}, "Start a countdown of 2 hours and 30 minutes.",
			[]wantCall{{"start_countdown", `{"minutes":150}`}}, nil},
		{"a unit binds its number, a bare count the count", []ai.Tool{crateTool}, "Ship 3 parcels of 2 kg each",
			[]wantCall{{"ship_parcels", `{"count":3,"weight_kg":2}`}}, nil},
		{"properties named from and to", []ai.Tool{coachTool}, "Book a coach to Porto from Faro.",
			[]wantCall{{"book_coach", `{"from":"Faro","to":"Porto"}`}}, nil},
		{"properties named from and to, lower case", []ai.Tool{coachTool}, "book a coach from faro to porto",
			[]wantCall{{"book_coach", `{"from":"faro","to":"porto"}`}}, nil},
		{"a query is the text after its cue", []ai.Tool{wikiTool}, "Search our team wiki for connection pooling.",
			[]wantCall{{"search_wiki", `{"query":"connection pooling"}`}}, nil},
		{"a title is the text after titled, other values taken first", []ai.Tool{issueTool}, "Open a high priority issue titled Login page is broken",
			[]wantCall{{"open_issue", `{"priority":"high","title":"Login page is broken"}`}}, nil},
		{"a phrase stops at another property's value", []ai.Tool{issueTool}, "Open an issue called Login broken with high priority",
			[]wantCall{{"open_issue", `{"priority":"high","title":"Login broken"}`}}, nil},
		{"a phrase cut by a value leaves the words naming it", []ai.Tool{issueTool}, "Open an issue titled Login broken for order 1043",
			[]wantCall{{"open_issue", `{"order_no":"1043","title":"Login broken"}`}}, nil},
		{"a required phrase without a cue: the short rest", []ai.Tool{wikiTool}, "Search the wiki connection pooling",
			[]wantCall{{"search_wiki", `{"query":"connection pooling"}`}}, nil},
		{"a required phrase without a cue: a long rest asks", []ai.Tool{issueTool},
			"Open an issue, the login page shows a blank screen after I type my password and press enter",
			nil, []string{"open_issue", "the title (Short summary)"}},
		{"an optional phrase without a cue is left out", []ai.Tool{recipeTool}, "Find Thai recipes, please.",
			[]wantCall{{"find_recipes", `{"cuisine":"thai"}`}}, nil},
		{"a negated action is not called", []ai.Tool{deleteUserTool}, "Do NOT delete alice@example.com.",
			nil, []string{"I did not call delete_user", "not to delete"}},
		{"don't negates the action", []ai.Tool{refundIDTool}, "Don't refund order #1042 for $25.",
			nil, []string{"I did not call refund_order", "not to refund"}},
		{"never negates a synonym of the action", []ai.Tool{deleteUserTool}, "Never remove alice@example.com, she is the admin.",
			nil, []string{"I did not call delete_user"}},
		{"no need to negates the action", []ai.Tool{subTool}, "No need to cancel subscription 3f2b8c1e-9d4a-4e7b-8f21-0a1b2c3d4e5f.",
			nil, []string{"I did not call cancel_subscription"}},
		{"without negates the action", []ai.Tool{deleteUserTool}, "Rename alice@example.com without deleting anything.",
			nil, []string{"I did not call delete_user"}},
		{"the negated action of a read-only tool, its name's first word", []ai.Tool{stockTool}, "Please don't check stock for ABC-123 yet.",
			nil, []string{"I did not call check_stock", "not to check"}},
		{"a value alone does not call a destructive tool", []ai.Tool{deleteUserTool}, "alice@example.com is our new admin.",
			nil, []string{"I did not call delete_user", "does not ask me to delete"}},
		{"a value alone does not call a destructive tool among others", []ai.Tool{deleteUserTool, stockTool}, "alice@example.com is our new admin.",
			nil, []string{"I did not call delete_user"}},
		{"a destructive tool whose action is named is called", []ai.Tool{deleteUserTool}, "Please delete alice@example.com.",
			[]wantCall{{"delete_user", `{"email":"alice@example.com"}`}}, nil},
		{"an obvious form of the action names it", []ai.Tool{deleteUserTool}, "Go ahead with deleting alice@example.com.",
			[]wantCall{{"delete_user", `{"email":"alice@example.com"}`}}, nil},
		{"a negation binds its own clause only", []ai.Tool{deleteUserTool, stockTool}, "Don't delete alice@example.com. How many units of ABC-123 are in stock?",
			[]wantCall{{"check_stock", `{"sku":"ABC-123"}`}}, nil},
		{"an action negated in any clause is not called", []ai.Tool{deleteUserTool}, "Delete alice@example.com. Do not delete bob@example.com!",
			nil, []string{"I did not call delete_user", "not to delete"}},
		{"a read-only tool is still chosen by its nouns", []ai.Tool{deleteUserTool, forecastTool}, "Weather in Paris?",
			[]wantCall{{"get_weather", `{"city":"Paris"}`}}, nil},
		{"a form the stemmer misses names the action", []ai.Tool{subTool}, "Cancelling subscription 3f2b8c1e-9d4a-4e7b-8f21-0a1b2c3d4e5f now.",
			[]wantCall{{"cancel_subscription", `{"subscription_id":"3f2b8c1e-9d4a-4e7b-8f21-0a1b2c3d4e5f"}`}}, nil},
		{"a failure told is no negation", []ai.Tool{findOrderTool}, "I couldn't find order 1042, can you find it?",
			[]wantCall{{"find_order", `{"order_id":"1042"}`}}, nil},
		{"not before another word is no negation of the action", []ai.Tool{stockTool}, "Is ABC-123 not in stock?",
			[]wantCall{{"check_stock", `{"sku":"ABC-123"}`}}, nil},
	}
	if len(cases) < 25 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := generate(t, user("", c.msg), c.tools...)
			got := resp.Message.ToolCalls
			if len(got) != len(c.calls) {
				t.Fatalf("calls = %v, want %v (content %q)", got, c.calls, resp.Message.Content)
			}
			for i, w := range c.calls {
				if got[i].Name != w.name || got[i].Arguments != w.args {
					t.Errorf("call %d = %s %s, want %s %s", i, got[i].Name, got[i].Arguments, w.name, w.args)
				}
				for _, tl := range c.tools {
					if tl.Name == got[i].Name {
						if err := schemaErr(tl.InputSchema, got[i].Arguments); err != nil {
							t.Errorf("arguments %s invalid: %v", got[i].Arguments, err)
						}
					}
				}
			}
			if len(c.calls) == 0 {
				if resp.FinishReason != "stop" {
					t.Errorf("finish reason %q", resp.FinishReason)
				}
				for _, w := range c.ask {
					if !strings.Contains(resp.Message.Content, w) {
						t.Errorf("answer %q lacks %q", resp.Message.Content, w)
					}
				}
			}
		})
	}
}
