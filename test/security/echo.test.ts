// The check the fuzz tests use to prove that no error message carries a password, checked itself.
import test from "ava";
import { echoesSecret } from "./echo";

test("a message built with the secret is caught; fixed text that happens to contain a short secret is not", (t) => {
  const leaky = (pw: string) => `password ${pw} has a quote`;
  t.true(echoesSecret("hunter22", leaky("hunter22"), leaky));
  t.true(echoesSecret("ab", leaky("ab"), leaky), "even a 2-character secret");
  const fixed = () => "username: a quote is not allowed";
  t.false(echoesSecret("name", fixed(), fixed), '"name" is in "username", not leaked');
  t.true(echoesSecret('",",', `bad ${'",",'}`, (pw) => `bad ${pw}`), "no letter to swap: falls back to the substring test");
  t.false(echoesSecret('",",', "bad value", () => "bad value"));
});
