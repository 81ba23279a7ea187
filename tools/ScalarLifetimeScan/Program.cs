// Lists the public TorchSharp members that hand libtorch a Scalar nothing keeps alive for the native call: those
// that convert a number to a Scalar implicitly (not into a `using` local), and those that call such a member. Output:
// one line per member, as src/BannedSymbols.txt takes it. Run it on the TorchSharp source of the version the build
// references when TorchSharp is upgraded:
//
//   git clone --branch <tag> https://github.com/dotnet/TorchSharp
//   dotnet run --project tools/ScalarLifetimeScan -- TorchSharp/src/TorchSharp src/R1Sharp.Cli/bin/Release/net10.0
//
// The second argument is a folder holding TorchSharp's own dependencies (Google.Protobuf, SharpZipLib, SkiaSharp),
// such as the CLI's build output. The scan follows calls inside TorchSharp, not virtual dispatch: an override that
// converts (an optimizer's step) must be found by its name in the output and banned where it is constructed.
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

if (args.Length != 2 || !Directory.Exists(args[0]) || !Directory.Exists(args[1]))
{
    Console.Error.WriteLine("usage: ScalarLifetimeScan <TorchSharp/src/TorchSharp> <folder with Google.Protobuf.dll, ICSharpCode.SharpZipLib.dll, SkiaSharp.dll>");
    return 2;
}
var parse = new CSharpParseOptions(LanguageVersion.Preview, preprocessorSymbols: ["NET6_0_OR_GREATER", "NET8_0_OR_GREATER", "NETCOREAPP"]);
var trees = Directory.GetFiles(args[0], "*.cs", SearchOption.AllDirectories)
    .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
    .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, f)).ToList();
string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
var references = platform.Concat(Directory.GetFiles(args[1], "*.dll").Where(p => Path.GetFileName(p) is "Google.Protobuf.dll" or "ICSharpCode.SharpZipLib.dll" or "SkiaSharp.dll"))
    .Select(p => MetadataReference.CreateFromFile(p)).ToList();
var compilation = CSharpCompilation.Create("TorchSharp", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
int errors = compilation.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
if (errors > 0) Console.Error.WriteLine($"warning: {errors} compile errors in the scanned source; members they touch may be missed");

var converts = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
var calls = new Dictionary<IMethodSymbol, HashSet<IMethodSymbol>>(SymbolEqualityComparer.Default);
foreach (var tree in trees)
{
    var model = compilation.GetSemanticModel(tree);
    foreach (var declaration in tree.GetRoot().DescendantNodes().Where(n => n is BaseMethodDeclarationSyntax or PropertyDeclarationSyntax or IndexerDeclarationSyntax))
    {
        IMethodSymbol[] members = model.GetDeclaredSymbol(declaration) switch
        {
            IMethodSymbol method => [method],
            IPropertySymbol property => new[] { property.GetMethod, property.SetMethod }.OfType<IMethodSymbol>().ToArray(),
            _ => [],
        };
        var bodies = declaration.ChildNodes()
            .Where(n => n is BlockSyntax or ArrowExpressionClauseSyntax or AccessorListSyntax or ConstructorInitializerSyntax)
            .SelectMany(n => n is AccessorListSyntax accessors ? accessors.Accessors.SelectMany(a => a.ChildNodes()) : [n]);
        foreach (var operation in bodies.Select(n => model.GetOperation(n)).OfType<IOperation>().SelectMany(o => o.DescendantsAndSelf()))
        {
            foreach (var member in members)
            {
                if (operation is IConversionOperation { OperatorMethod: { Name: "op_Implicit", ContainingType.Name: "Scalar" } } conversion && !InitialisesUsingLocal(conversion))
                    converts.Add(member);
                if (Called(operation) is { } target && SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, compilation.Assembly))
                {
                    if (!calls.TryGetValue(member, out var targets)) calls[member] = targets = new(SymbolEqualityComparer.Default);
                    targets.Add(target.OriginalDefinition);
                }
            }
        }
    }
}

// Whatever calls a member that converts, converts too.
var unsafeMembers = new HashSet<IMethodSymbol>(converts, SymbolEqualityComparer.Default);
for (bool grew = true; grew;)
{
    grew = false;
    foreach (var (caller, targets) in calls)
        if (!unsafeMembers.Contains(caller) && targets.Any(unsafeMembers.Contains)) grew = unsafeMembers.Add(caller) || grew;
}
foreach (string id in unsafeMembers.Where(IsPublic).Select(m => m.GetDocumentationCommentId()).OfType<string>().Order(StringComparer.Ordinal))
    Console.WriteLine($"{id};creates a Scalar that can be freed during the native call: use HeldScalarArithmetic or pass held scalars");
Console.Error.WriteLine($"{converts.Count} members convert directly; {unsafeMembers.Count(IsPublic)} public members convert directly or through calls");
return 0;

static IMethodSymbol? Called(IOperation operation) => operation switch
{
    IInvocationOperation invocation => invocation.TargetMethod,
    IBinaryOperation binary => binary.OperatorMethod,
    IUnaryOperation unary => unary.OperatorMethod,
    ICompoundAssignmentOperation compound => compound.OperatorMethod,
    IObjectCreationOperation creation => creation.Constructor,
    _ => null,
};

static bool InitialisesUsingLocal(IConversionOperation conversion) =>
    conversion.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Parent: IVariableDeclarationOperation { Parent: IUsingDeclarationOperation or IVariableDeclarationGroupOperation { Parent: IUsingOperation } } } };

static bool IsPublic(IMethodSymbol method)
{
    for (ISymbol? symbol = method; symbol is not null and not INamespaceSymbol; symbol = symbol.ContainingSymbol)
        if (symbol.DeclaredAccessibility is not (Accessibility.Public or Accessibility.NotApplicable)) return false;
    return true;
}
