package openai

// The tests validate every request body against OpenAI's
// CreateChatCompletionRequest schema, committed under testdata so they do
// not need the OpenAPI description at test time. Regenerate it when the
// description changes (the path is where the repository's shared
// checkout keeps it):
//
//go:generate go run ./internal/extractschema -in ../../../shared/openai/openapi.yaml -out testdata/create_chat_completion_request.schema.json
