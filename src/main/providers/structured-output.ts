import { ProviderError } from './errors';

/**
 * What a server that does not take a requested answer format says: it names the parameter
 * (OpenAI's response_format and json_schema, Anthropic's output_config and the older
 * output_format) or Structured Outputs. An image it cannot read ("...one of the following
 * formats: png, jpeg...") names none of them, and is not worth a second request.
 */
const structuredOutputWords = /response_format|json[ _]?schema|output_config|output_format|structured[ _-]?outputs?/i;

export function rejectsStructuredOutput(error: unknown): boolean {
  return (
    error instanceof ProviderError &&
    (error.kind === 'bad-request' || error.kind === 'unprocessable') &&
    structuredOutputWords.test(error.detail ?? '')
  );
}

/**
 * Asks a server for answers that follow the JSON schema until it shows whether it takes that: a
 * first request it rejects for it is sent again in plain text, and from then on only plain text
 * is asked for; a server that honoured the schema once keeps being asked for it.
 */
export class StructuredOutputs {
  private state: 'untried' | 'supported' | 'unsupported' = 'untried';

  /** Whether a request made now (a Batch API line, say) asks for the schema. */
  get wanted(): boolean {
    return this.state !== 'unsupported';
  }

  async send<T>(request: (structured: boolean) => Promise<T>): Promise<T> {
    if (this.state === 'unsupported') return request(false);
    try {
      const answer = await request(true);
      this.state = 'supported';
      return answer;
    } catch (error) {
      if (this.state !== 'untried' || !rejectsStructuredOutput(error)) throw error;
      const answer = await request(false);
      this.state = 'unsupported';
      return answer;
    }
  }
}
