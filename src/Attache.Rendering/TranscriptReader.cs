using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Attache.Core;

namespace Attache.Rendering;

/// <summary>
/// Reads Rev transcript JSON as it streams in, a buffer at a time, keeping only what the layout needs (speaker names,
/// monologue types, the text of the elements). Timestamps and unknown members are skipped; comments (Rev's own sample
/// has them) and trailing commas are allowed. Whatever is wrong is named by its JSON path.
/// </summary>
internal static class TranscriptReader
{
    private const int BufferSize = 256 * 1024;

    public static async Task<Outcome<Transcript>> ReadAsync(Stream source, CancellationToken cancellationToken)
    {
        var parser = new Parser();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var state = new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    // One token (a long string) is larger than the buffer.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await source.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                filled += read;
                var consumed = parser.Feed(buffer.AsSpan(0, filled), isFinalBlock: read == 0, ref state);
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
                if (read == 0)
                {
                    return parser.Finish();
                }
            }
        }
        catch (JsonException exception)
        {
            var path = parser.Path();
            var where = exception.LineNumber is { } line ? $" (line {line + 1}, byte {exception.BytePositionInLine + 1})" : "";
            return Invalid(path, $"{where}: {Reason(exception)}");
        }
        catch (TranscriptShapeException exception)
        {
            return Invalid(exception.Path, ": " + exception.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Failure.Invalid Invalid(string path, string detail) =>
        new($"The transcript is not valid Rev transcript JSON at {path}{detail}", path);

    private static string Reason(JsonException exception)
    {
        // The reader appends its own position to the message; the path, line and byte are given separately.
        var message = exception.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        message = (cut < 0 ? message : message[..cut]).Trim();

        // A bad literal is quoted with the rest of the reader's buffer: up to the whole buffer of the client's bytes,
        // and different text for the same body depending on how it arrived. The position already says where it is.
        var literal = message.LastIndexOf(BadLiteral, StringComparison.Ordinal);
        return message.StartsWith('\'') && literal > 0 ? "Not a JSON literal" + message[(literal + BadLiteral.Length)..] : message;
    }

    private const string BadLiteral = "' is an invalid JSON literal";

    /// <summary>A well-formed document of the wrong shape, at <see cref="Path"/>.</summary>
    private sealed class TranscriptShapeException(string path, string message) : Exception(message)
    {
        public string Path { get; } = path;
    }

    /// <summary>The members this reader looks at; everything else is <see cref="Other"/> and skipped.</summary>
    private enum Member
    {
        None,
        Other,
        Speakers,
        Monologues,
        Id,
        Name,
        Speaker,
        SpeakerName,
        MonologueType,
        Elements,
        Type,
        Value,
    }

    private enum Context
    {
        Start,
        Root,
        Speakers,
        Speaker,
        Monologues,
        Monologue,
        Elements,
        Element,
        Skip,
        End,
    }

    /// <summary>A push parser: tokens come in through <see cref="Feed"/> in whatever pieces the stream delivers.</summary>
    private sealed class Parser
    {
        private readonly Stack<(Context Context, int Depth)> _stack = new();
        private readonly Dictionary<long, string> _names = [];
        private readonly List<(string? Type, long? Speaker, string? Name, string Text)> _monologues = [];
        private readonly StringBuilder _text = new();

        private Context _context = Context.Start;
        private Member _property;
        private char[] _chars = new char[256];
        private bool _sawMonologues;
        private int _speakerIndex;
        private int _monologueIndex;
        private int _elementIndex;
        private long? _speakerId;
        private string? _speakerName;
        private string? _monologueType;
        private string? _elementType;
        private string? _elementValue;
        private bool _afterTag;

        public int Feed(ReadOnlySpan<byte> data, bool isFinalBlock, ref JsonReaderState state)
        {
            var reader = new Utf8JsonReader(data, isFinalBlock, state);
            while (reader.Read())
            {
                Handle(ref reader);
            }

            state = reader.CurrentState;
            return (int)reader.BytesConsumed;
        }

        public Outcome<Transcript> Finish()
        {
            if (!_sawMonologues)
            {
                return Invalid("$.monologues", ": the transcript has no monologues array.");
            }

            var monologues = _monologues.Select(m =>
            {
                var speaker = !string.IsNullOrWhiteSpace(m.Name) ? m.Name.Trim()
                    : m.Speaker is { } id ? _names.GetValueOrDefault(id, $"Speaker {id}")
                    : "";
                var type = string.IsNullOrWhiteSpace(m.Type) ? MonologueTypes.Colloquy : m.Type.Trim().ToLowerInvariant();
                return new Monologue(type, Collapse(speaker), m.Text);
            }).ToList();
            return new Transcript(monologues);
        }

        /// <summary>Where the parser is, in JSONPath: the member being read, or the next item of an array.</summary>
        public string Path()
        {
            var path = _context switch
            {
                Context.Start or Context.Root or Context.End => "$",
                Context.Speakers => $"$.speakers[{_speakerIndex}]",
                Context.Speaker => $"$.speakers[{_speakerIndex}]",
                Context.Monologues => $"$.monologues[{_monologueIndex}]",
                Context.Monologue => $"$.monologues[{_monologueIndex}]",
                Context.Elements => $"$.monologues[{_monologueIndex}].elements[{_elementIndex}]",
                Context.Element => $"$.monologues[{_monologueIndex}].elements[{_elementIndex}]",
                _ => Outer(),
            };
            var member = _property switch
            {
                Member.Speakers => "speakers",
                Member.Monologues => "monologues",
                Member.Id => "id",
                Member.Name => "name",
                Member.Speaker => "speaker",
                Member.SpeakerName => "speaker_name",
                Member.MonologueType => "monologue_type",
                Member.Elements => "elements",
                Member.Type => "type",
                Member.Value => "value",
                _ => null,
            };
            return member is null || _context is Context.Speakers or Context.Monologues or Context.Elements ? path : $"{path}.{member}";
        }

        private string Outer()
        {
            foreach (var (context, _) in _stack)
            {
                if (context != Context.Skip)
                {
                    var saved = _context;
                    _context = context;
                    var path = Path();
                    _context = saved;
                    return path;
                }
            }

            return "$";
        }

        private void Handle(ref Utf8JsonReader reader)
        {
            var token = reader.TokenType;
            if (_context == Context.Skip)
            {
                if (token is JsonTokenType.EndObject or JsonTokenType.EndArray && reader.CurrentDepth == _stack.Peek().Depth)
                {
                    Pop();
                }

                return;
            }

            if (token == JsonTokenType.PropertyName)
            {
                _property = Classify(ref reader);
                return;
            }

            switch (_context)
            {
                case Context.Start:
                    Expect(token == JsonTokenType.StartObject, "the transcript must be a JSON object");
                    Push(Context.Root, ref reader);
                    return;
                case Context.Root:
                    if (token == JsonTokenType.EndObject)
                    {
                        _context = Context.End;
                        return;
                    }

                    if (_property == Member.Speakers)
                    {
                        Enter(Context.Speakers, ref reader, JsonTokenType.StartArray, "speakers must be an array");
                    }
                    else if (_property == Member.Monologues)
                    {
                        _sawMonologues = true;
                        Enter(Context.Monologues, ref reader, JsonTokenType.StartArray, "monologues must be an array");
                    }
                    else
                    {
                        SkipValue(ref reader);
                    }

                    return;
                case Context.Speakers:
                    if (Item(ref reader, Context.Speaker, ref _speakerIndex))
                    {
                        (_speakerId, _speakerName) = (null, null);
                    }

                    return;
                case Context.Speaker:
                    if (token == JsonTokenType.EndObject)
                    {
                        if (_speakerId is { } id && !string.IsNullOrWhiteSpace(_speakerName))
                        {
                            _names.TryAdd(id, _speakerName.Trim());
                        }

                        _speakerIndex++;
                        Pop();
                    }
                    else if (_property == Member.Id)
                    {
                        _speakerId = Number(ref reader);
                    }
                    else if (_property == Member.Name)
                    {
                        _speakerName = String(ref reader);
                    }
                    else
                    {
                        SkipValue(ref reader);
                    }

                    return;
                case Context.Monologues:
                    if (Item(ref reader, Context.Monologue, ref _monologueIndex))
                    {
                        (_speakerId, _speakerName, _monologueType, _elementIndex, _afterTag) = (null, null, null, 0, false);
                        _text.Clear();
                    }

                    return;
                case Context.Monologue:
                    if (token == JsonTokenType.EndObject)
                    {
                        _monologues.Add((_monologueType, _speakerId, _speakerName, Collapse(_text.ToString())));
                        _monologueIndex++;
                        Pop();
                    }
                    else if (_property == Member.Speaker)
                    {
                        _speakerId = Number(ref reader);
                    }
                    else if (_property == Member.SpeakerName)
                    {
                        _speakerName = String(ref reader);
                    }
                    else if (_property == Member.MonologueType)
                    {
                        _monologueType = String(ref reader);
                    }
                    else if (_property == Member.Elements)
                    {
                        if (token != JsonTokenType.Null)
                        {
                            Enter(Context.Elements, ref reader, JsonTokenType.StartArray, "elements must be an array");
                        }
                    }
                    else
                    {
                        SkipValue(ref reader);
                    }

                    return;
                case Context.Elements:
                    if (Item(ref reader, Context.Element, ref _elementIndex))
                    {
                        (_elementType, _elementValue) = (null, null);
                    }

                    return;
                case Context.Element:
                    if (token == JsonTokenType.EndObject)
                    {
                        Append(_elementType, _elementValue);
                        _elementIndex++;
                        Pop();
                    }
                    else if (_property == Member.Type)
                    {
                        // An escaped value goes through String, which names an unpaired surrogate escape as invalid text.
                        _elementType = reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && reader.ValueSpan.SequenceEqual("text"u8)
                            ? "text"
                            : String(ref reader);
                    }
                    else if (_property == Member.Value)
                    {
                        // Rev puts the type first: plain text then goes straight into the monologue, with no string made.
                        if (_elementType == "text" && reader.TokenType == JsonTokenType.String)
                        {
                            AppendText(ref reader);
                        }
                        else
                        {
                            _elementValue = String(ref reader);
                        }
                    }
                    else
                    {
                        SkipValue(ref reader);
                    }

                    return;
                default:
                    throw new TranscriptShapeException("$", "nothing may follow the transcript object.");
            }
        }

        /// <summary>An array item: an object starts <paramref name="item"/>, null is skipped (true when an object began).</summary>
        private bool Item(ref Utf8JsonReader reader, Context item, ref int index)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.EndArray:
                    Pop();
                    return false;
                case JsonTokenType.Null:
                    index++;
                    return false;
                case JsonTokenType.StartObject:
                    Push(item, ref reader);
                    return true;
                default:
                    throw new TranscriptShapeException(Path(), $"expected an object, found {Describe(reader.TokenType)}.");
            }
        }

        private void Enter(Context context, ref Utf8JsonReader reader, JsonTokenType start, string message)
        {
            Expect(reader.TokenType == start, message);
            Push(context, ref reader);
        }

        private void Push(Context context, ref Utf8JsonReader reader)
        {
            _stack.Push((_context, reader.CurrentDepth));
            _context = context;
            _property = Member.None;
        }

        private void Pop()
        {
            _context = _stack.Pop().Context;
            _property = Member.None;
        }

        private void SkipValue(ref Utf8JsonReader reader)
        {
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                _stack.Push((_context, reader.CurrentDepth));
                _context = Context.Skip;
            }
        }

        private void Expect(bool condition, string message)
        {
            if (!condition)
            {
                throw new TranscriptShapeException(Path(), message + ".");
            }
        }

        private long? Number(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    return null;
                case JsonTokenType.Number when reader.TryGetInt64(out var number):
                    return number;
                case JsonTokenType.String when long.TryParse(Decode(ref reader), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number):
                    return number;
                default:
                    throw new TranscriptShapeException(Path(), $"expected a whole number, found {Describe(reader.TokenType)}.");
            }
        }

        private string? String(ref Utf8JsonReader reader) => reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => Decode(ref reader),
            _ => throw new TranscriptShapeException(Path(), $"expected a string, found {Describe(reader.TokenType)}."),
        };

        /// <summary>The string token as text; bytes that are not UTF-8, or an unpaired surrogate escape, are named by path.</summary>
        private string Decode(ref Utf8JsonReader reader)
        {
            try
            {
                return reader.GetString()!;
            }
            catch (InvalidOperationException)
            {
                throw new TranscriptShapeException(Path(), NotText);
            }
        }

        private const string NotText = "the string is not valid text (bytes that are not UTF-8, or an unpaired surrogate escape).";

        private static string Describe(JsonTokenType token) => token switch
        {
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            JsonTokenType.String => "a string",
            JsonTokenType.Number => "a number",
            JsonTokenType.True or JsonTokenType.False => "a boolean",
            _ => "null",
        };

        private static Member Classify(ref Utf8JsonReader reader)
        {
            if (reader.ValueIsEscaped)
            {
                string escaped;
                try
                {
                    escaped = reader.GetString()!;
                }
                catch (InvalidOperationException)
                {
                    // An unpaired surrogate escape: no member of the format is spelled that way.
                    return Member.Other;
                }

                return escaped switch
                {
                    "type" => Member.Type,
                    "value" => Member.Value,
                    "speaker" => Member.Speaker,
                    "speaker_name" => Member.SpeakerName,
                    "monologue_type" => Member.MonologueType,
                    "elements" => Member.Elements,
                    "id" => Member.Id,
                    "name" => Member.Name,
                    "monologues" => Member.Monologues,
                    "speakers" => Member.Speakers,
                    _ => Member.Other,
                };
            }

            // Most names are timestamps and element members: tell them apart by length first.
            var name = reader.ValueSpan;
            return name.Length switch
            {
                2 when name.SequenceEqual("id"u8) => Member.Id,
                4 when name.SequenceEqual("type"u8) => Member.Type,
                4 when name.SequenceEqual("name"u8) => Member.Name,
                5 when name.SequenceEqual("value"u8) => Member.Value,
                7 when name.SequenceEqual("speaker"u8) => Member.Speaker,
                8 when name.SequenceEqual("elements"u8) => Member.Elements,
                8 when name.SequenceEqual("speakers"u8) => Member.Speakers,
                10 when name.SequenceEqual("monologues"u8) => Member.Monologues,
                12 when name.SequenceEqual("speaker_name"u8) => Member.SpeakerName,
                14 when name.SequenceEqual("monologue_type"u8) => Member.MonologueType,
                _ => Member.Other,
            };
        }

        private void AppendText(ref Utf8JsonReader reader)
        {
            if (_chars.Length < reader.ValueSpan.Length)
            {
                _chars = new char[Math.Max(reader.ValueSpan.Length, _chars.Length * 2)];
            }

            int length;
            try
            {
                length = reader.CopyString(_chars);
            }
            catch (InvalidOperationException)
            {
                throw new TranscriptShapeException(Path(), NotText);
            }

            var text = _chars.AsSpan(0, length);
            if (_afterTag && text.Length > 0 && !char.IsWhiteSpace(text[0]) && !IsClosing(text[0]))
            {
                _text.Append(' ');
            }

            _text.Append(text);
            _afterTag = false;
            _elementType = null;
        }

        /// <summary>Adds an element to the monologue's text: tags in brackets with a space either side.</summary>
        private void Append(string? type, string? value)
        {
            if (value is null)
            {
                return;
            }

            if (string.Equals(type, "tag", StringComparison.OrdinalIgnoreCase))
            {
                value = value.Trim();
                if (value.Length > 0)
                {
                    _text.Append(' ').Append(value.StartsWith('[') ? value : $"[{value}]");
                    _afterTag = true;
                }

                return;
            }

            // Text, punctuation, and element types this renderer does not know: their value is what was said.
            if (_afterTag && value.Length > 0 && !char.IsWhiteSpace(value[0]) && !IsClosing(value[0]))
            {
                _text.Append(' ');
            }

            _text.Append(value);
            _afterTag = false;
        }

        private static bool IsClosing(char c) => c is '.' or ',' or ';' or ':' or '?' or '!' or ')' or ']' or '\'' or '"';
    }

    /// <summary>
    /// Text on one line: runs of white space and control characters become one space, and what XML cannot carry
    /// (U+FFFE, U+FFFF, unpaired surrogates) is dropped.
    /// </summary>
    internal static string Collapse(string text)
    {
        var collapsed = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\uFFFE' or '\uFFFF' || (char.IsSurrogate(c) && !char.IsSurrogatePair(text, i)))
            {
                continue;
            }

            if (char.IsHighSurrogate(c))
            {
                collapsed.Append(c).Append(text[++i]);
            }
            else if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                if (collapsed.Length > 0 && collapsed[^1] != ' ')
                {
                    collapsed.Append(' ');
                }
            }
            else
            {
                collapsed.Append(c);
            }
        }

        return collapsed.ToString().TrimEnd();
    }
}
